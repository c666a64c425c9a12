"""Tests of tools/docs.py: `python -m pytest -q tools` (or `python tools/test_docs.py` without pytest).

Unit tests feed small hand-made notebooks and markdown to the conversion functions; `test_build_end_to_end`
builds a tiny nbdev project with the real pipeline (nbdev processing, Sphinx) in a temporary folder.
"""
import base64, json, subprocess, sys, textwrap
from configparser import ConfigParser
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import docs
from docs import Links

DOC_URL = 'https://capa-nb.github.io/capa_nb/'
SOURCES = ['index.ipynb', '00_capa.ipynb', '01_dense.ipynb', 'tutorials/01_xor.ipynb']
LINKS = Links.for_sources(DOC_URL, SOURCES)
site = lambda here='index.ipynb': (lambda url: LINKS.site_target(url, here))
readme = lambda here='index.ipynb': (lambda url: LINKS.readme_target(url, here))


def md(src): return {'cell_type': 'markdown', 'metadata': {}, 'source': src}
def raw(src): return {'cell_type': 'raw', 'metadata': {}, 'source': src}
def code(src, outputs=()): return {'cell_type': 'code', 'execution_count': 1, 'metadata': {}, 'outputs': list(outputs), 'source': src}
def out_md(s): return {'output_type': 'execute_result', 'execution_count': 1, 'metadata': {}, 'data': {'text/markdown': s, 'text/plain': 'x'}}
def out_text(s): return {'output_type': 'execute_result', 'execution_count': 1, 'metadata': {}, 'data': {'text/plain': s}}
def stream(s): return {'output_type': 'stream', 'name': 'stdout', 'text': s}
PNG = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=='
def out_png(): return {'output_type': 'display_data', 'metadata': {}, 'data': {'image/png': PNG, 'text/plain': '<Figure>'}}

SHOW_DOC_MD = ('---\n\n[source](https://github.com/capa-nb/capa_nb/blob/main/capa_nb/capa.py#L80)'
               '{target="_blank" style="float:right; font-size:smaller"}\n\n### Capa.forward\n\n'
               '```python\ndef forward(\n    Input, # one sample or a batch\n):\n```\n\n'
               '*y = l(x, θ), see [`Capa`](https://capa-nb.github.io/capa_nb/capa.html#capa).*')


# --- pages ---------------------------------------------------------------------------------------------------

def test_docname_is_nbdevs_html_name():
    assert docs.docname_for('00_capa.ipynb') == 'capa'
    assert docs.docname_for('index.ipynb') == 'index'
    assert docs.docname_for('tutorials/01_XOR.ipynb') == 'tutorials/xor'
    assert docs.docname_for('benchmarks.ipynb') == 'benchmarks'


def test_page_order_is_nbdevs_sidebar_order():
    srcs = ['tutorials/xor.ipynb', 'benchmarks.ipynb', '01_dense.ipynb', 'index.ipynb', 'tutorials/index.ipynb',
            '00_capa.ipynb', '10_regularization.ipynb', 'tutorials/digits_mlp.ipynb']
    assert sorted(srcs, key=docs.page_order) == [
        'index.ipynb', '00_capa.ipynb', '01_dense.ipynb', '10_regularization.ipynb', 'benchmarks.ipynb',
        'tutorials/index.ipynb', 'tutorials/digits_mlp.ipynb', 'tutorials/xor.ipynb']


def test_toctree_lists_pages_with_a_caption_per_folder():
    toc = docs.toctree_markdown(['index', 'capa', 'dense', 'tutorials/xor', 'tutorials/sine'])
    first, second = toc.split('\n\n```{toctree}')
    assert first == '```{toctree}\n:hidden:\n:maxdepth: 2\n\ncapa\ndense\n```'
    assert second == '\n:hidden:\n:maxdepth: 2\n:caption: Tutorials\n\ntutorials/xor\ntutorials/sine\n```'
    assert 'index' not in toc.split()


def test_pandoc_slug_names_anchors_like_quarto_and_nbdev():
    assert docs.pandoc_slug('Capa.forward') == 'capa.forward'         # nbdev links `capa.html#capa.forward`
    assert docs.pandoc_slug('check_capa') == 'check_capa'
    assert docs.pandoc_slug('A first capa') == 'a-first-capa'
    assert docs.pandoc_slug("contract: the wiki's product") == 'contract-the-wikis-product'
    assert docs.pandoc_slug('1. Intro') == 'intro'
    assert docs.pandoc_slug('!!!') == 'section'


# --- cells ---------------------------------------------------------------------------------------------------

def test_split_directives():
    d, body = docs.split_directives('#| echo: false\n#| output: asis\n#|code-summary: "Exported source"\n'
                                    '#| hide\n#| export capa\nshow_doc(f)\n#| not a directive: here')
    assert d == {'echo': False, 'output': 'asis', 'code-summary': 'Exported source', 'hide': None, 'export': 'capa'}
    assert body == 'show_doc(f)\n#| not a directive: here'
    assert docs.split_directives('x = 1') == ({}, 'x = 1')


def test_front_matter():
    assert docs.front_matter(raw('---\ndescription: A $\\frac{a}{b}$ layer\noutput-file: capa.html\n'
                                 'title: Capa\n\n---\n\n')) == {
        'title': 'Capa', 'description': 'A $\\frac{a}{b}$ layer', 'output-file': 'capa.html'}
    assert docs.front_matter(raw('just raw text')) is None
    assert docs.front_matter(md('---\ntitle: x\n---')) is None


def test_parse_attrs():
    assert docs.parse_attrs('#install .unnumbered') == {'id': 'install', 'classes': ['unnumbered']}
    assert docs.parse_attrs('target="_blank" style="float:right; font-size:smaller"') == {
        'id': None, 'classes': [], 'target': '_blank', 'style': 'float:right; font-size:smaller'}
    assert docs.parse_attrs('width=50%') == {'id': None, 'classes': [], 'width': '50%'}
    assert docs.parse_attrs('note') is None and docs.parse_attrs('dE') is None


# --- links ---------------------------------------------------------------------------------------------------

def test_links_to_the_doc_host_become_links_between_pages():
    t = site()
    assert t(DOC_URL + 'capa.html#capa.forward') == '/capa.ipynb#capa.forward'
    assert t(DOC_URL + 'dense.html') == '/dense.ipynb'
    assert t(DOC_URL) == '/index.ipynb' and t(DOC_URL.rstrip('/')) == '/index.ipynb'
    assert t(DOC_URL + 'tutorials/xor.html#training') == '/tutorials/xor.ipynb#training'
    assert t(DOC_URL.replace('https', 'http') + 'capa.html') == '/capa.ipynb'
    assert t(DOC_URL + 'nonexistent.html') is None                 # left alone: Sphinx warns if it matters
    assert t('https://numpy.org/doc/') is None and t('mailto:a@b.c') is None


def test_relative_links_to_notebooks_and_html_pages():
    assert site()('00_capa.ipynb') == '/capa.ipynb'
    assert site()('capa.html#contract') == '/capa.ipynb#contract'
    assert site('tutorials/01_xor.ipynb')('../01_dense.ipynb#dense') == '/dense.ipynb#dense'
    assert site('tutorials/01_xor.ipynb')('../index.ipynb') == '/index.ipynb'
    assert site()('images/jacobian.png') is None and site()('#local') is None


def test_page_anchors():
    nb = {'cells': [raw('---\ntitle: Capa layers\n---'),
                    md('## A *first* [`capa`](capa.html) $x$\n\n```\n# not a heading\n```\n(my-label)=\n'
                       '### Install {#setup .unnumbered}'),
                    code('#| output: asis\n#| echo: false\nshow_doc(Capa.forward)', [out_md(SHOW_DOC_MD)])]}
    assert docs.page_anchors(nb) == {'capa-layers', 'a-first-capa', 'my-label', 'setup', 'install', 'capa.forward'}


def test_links_to_missing_anchors_open_the_page():
    links = Links.for_sources(DOC_URL, SOURCES)
    links.anchors = {'capa': {'capa.forward'}}
    t = lambda url: links.site_target(url, 'index.ipynb')
    assert t(DOC_URL + 'capa.html#capa.forward') == '/capa.ipynb#capa.forward'
    assert t(DOC_URL + 'capa.html#_private') == '/capa.ipynb'                  # nbdev links private names too
    assert t(DOC_URL + 'dense.html#x') == '/dense.ipynb#x'                     # anchors unknown: kept
    assert links.missing == [('capa.html#_private', 'index.ipynb')]


def test_readme_links_are_absolute():
    assert readme()('00_capa.ipynb#contract') == DOC_URL + 'capa.html#contract'
    assert readme()(DOC_URL + 'capa.html#capa') == DOC_URL + 'capa.html#capa'
    assert readme()('images/x.png') == 'nbs/images/x.png'
    assert readme()('https://example.org') is None and readme()('#quick-start') is None


def test_convert_inline_rewrites_links_and_drops_pandoc_attributes():
    s = ('See [`Capa`](https://capa-nb.github.io/capa_nb/capa.html#capa){target="_blank"} and '
         '[the dense\nchapter](01_dense.ipynb "Dense").')
    assert docs.convert_inline(s, site()) == ('See [`Capa`](/capa.ipynb#capa) and '
                                              '[the dense\nchapter](/dense.ipynb "Dense").')
    assert docs.convert_inline('![J](j.png){width=50% fig-align="center"}', site()) == '![J](j.png){width="50%"}'
    assert docs.convert_inline('[x](u){.big #top}', site()) == '[x](u){.big}'
    assert docs.convert_inline('[x](https://u.org){.big}', readme(), readme=True) == '[x](https://u.org)'


def test_convert_inline_leaves_code_and_math_alone():
    s = '`[a](00_capa.ipynb)` and ``[b](`00_capa.ipynb`)`` and $[0,1](00_capa.ipynb)$ and \\[c](00_capa.ipynb)'
    assert docs.convert_inline(s, site()) == s
    s = 'a $\\frac{dE}{d\\textbf{x}}$ b $$\\sum_I {g_I}$$ [x](u){not attrs here}'
    assert docs.convert_inline(s, site()) == s


# --- Quarto markdown -----------------------------------------------------------------------------------------

def test_heading_attributes():
    assert docs.convert_markdown('## Install {#install .unnumbered}\ntext', site()) == '## Install\ntext'
    assert docs.convert_markdown('## Setup {#getting-started}', site()) == '(getting-started)=\n## Setup'
    assert docs.convert_markdown('## Setup {#getting-started}', readme(), readme=True) == '## Setup'
    assert docs.convert_markdown('## Loss $\\frac{a}{b}$', site()) == '## Loss $\\frac{a}{b}$'


def test_callouts_become_admonitions():
    cm = lambda s: docs.convert_markdown(textwrap.dedent(s).strip(), site())
    assert cm('''
        ::: {.callout-note}
        Note with $x^2$ and [a link](00_capa.ipynb).
        :::''') == ':::{note}\nNote with $x^2$ and [a link](/capa.ipynb).\n:::'
    assert cm('''
        ::: {.callout-warning title="Careful"}
        Text
        :::''') == ':::{admonition} Careful\n:class: warning\nText\n:::'
    assert cm('''
        ::: {.callout-tip}
        ## Tip title

        Body
        :::''') == ':::{admonition} Tip title\n:class: tip\n\nBody\n:::'


def test_nested_divs_and_fences():
    src = textwrap.dedent('''
        ::: {.callout-note}
        Outer
        ::: {.column-margin}
        ::: {.callout-tip}
        Inner
        :::
        :::
        ```python
        ::: {.callout-note}
        [x](00_capa.ipynb)
        ```
        :::
        :::{seealso}
        MyST's own
        :::''').strip()
    assert docs.convert_markdown(src, site()).split('\n') == [
        '::::{note}', 'Outer', ':::{tip}', 'Inner', ':::',
        '```python', '::: {.callout-note}', '[x](00_capa.ipynb)', '```', '::::',
        ':::{seealso}', "MyST's own", ':::']


def test_callouts_in_readme_are_github_alerts():
    src = '::: {.callout-important title="Heads up"}\nLine one\nLine two\n:::\nafter'
    assert docs.convert_markdown(src, readme(), readme=True) == (
        '> [!IMPORTANT]\n> **Heads up**\n> Line one\n> Line two\nafter')


# --- show_doc ------------------------------------------------------------------------------------------------

def test_show_doc_markdown():
    res = docs.convert_markdown(docs.convert_show_doc(SHOW_DOC_MD), site('00_capa.ipynb'))
    assert res.split('\n\n') == [
        '### Capa.forward',
        '[source](https://github.com/capa-nb/capa_nb/blob/main/capa_nb/capa.py#L80){.nbdev-source}',
        '```python\ndef forward(\n    Input, # one sample or a batch\n):\n```',
        '*y = l(x, θ), see [`Capa`](/capa.ipynb#capa).*']


def test_old_style_show_doc_signature_and_table():
    old = ('---\n\n### Dense.forward\n\n>      Dense.forward (x:numpy.ndarray)\n\n*Compute y.*\n\n'
           '|    | **Type** | **Details** |\n| -- | -------- | ----------- |\n| x | ndarray | input |')
    res = docs.convert_show_doc(old)
    assert res.startswith('### Dense.forward\n\n```python\nDense.forward (x:numpy.ndarray)\n```\n\n*Compute y.*')
    assert res.endswith('| x | ndarray | input |') and '---' not in res.split('\n')[0:3]


# --- whole notebooks -----------------------------------------------------------------------------------------

def processed_nb():
    "A notebook as nbdev's proc_nbs leaves it (hidden and export cells already gone)."
    return {'metadata': {}, 'nbformat': 4, 'nbformat_minor': 5, 'cells': [
        raw('---\ndescription: "Layers, $\\\\frac{dE}{d\\\\textbf{x}}$"\noutput-file: capa.html\ntitle: Capa\n\n---\n\n'),
        md('<!-- WARNING: THIS FILE WAS AUTOGENERATED! DO NOT EDIT! -->'),
        md('## Math {#math}\n\n$$\\frac{dE}{d\\textbf{x}} = \\sum_I g_I J_I$$\n\nSee [dense](01_dense.ipynb).'),
        code('#| echo: false\n#| output: asis\nshow_doc(Capa.forward)', [out_md(SHOW_DOC_MD)]),
        code('#| code-fold: show\n#| code-summary: "Exported source"\ndef f(x): return x'),
        code('#| echo: false\nprint("only the output")', [stream('only the output\n')]),
        code('#| include: false\nsecret = 1'),
        code('#| fig-cap: a plot\nplt.plot([1, 2])', [out_png()]),
        code('1 + 1', [out_text('2')]),
    ]}


def test_convert_notebook():
    nb = docs.convert_notebook(processed_nb(), '00_capa.ipynb', LINKS)
    cells = nb['cells']
    assert nb['metadata']['kernelspec']['language'] == 'python'         # myst-nb needs it to highlight
    assert [c['cell_type'] for c in cells] == ['markdown', 'markdown', 'markdown', 'code', 'code', 'code', 'code']
    assert cells[0]['source'] == '# Capa\n\n{.nbdev-description}\nLayers, $\\frac{dE}{d\\textbf{x}}$'
    assert cells[1]['source'] == '## Math\n\n$$\\frac{dE}{d\\textbf{x}} = \\sum_I g_I J_I$$\n\nSee [dense](/dense.ipynb).'
    assert cells[2]['source'].startswith('### Capa.forward\n\n[source](https://github.com/')
    assert cells[3]['source'] == 'def f(x): return x' and cells[3]['metadata'] == {}
    assert cells[4]['source'] == 'print("only the output")' and cells[4]['metadata'] == {'tags': ['remove-input']}
    assert cells[4]['outputs'] == [stream('only the output\n')]
    assert cells[5]['source'] == 'plt.plot([1, 2])' and cells[5]['outputs'][0]['data']['image/png'] == PNG
    assert cells[6]['outputs'][0]['data'] == {'text/plain': '2'}
    everything = json.dumps(nb)
    for gone in ('#|', 'secret', 'WARNING', 'target=', 'output-file', 'capa-nb.github.io'):
        assert gone not in everything, gone


def test_convert_notebook_appends_the_toctree_and_titles_pages_without_front_matter():
    nb = docs.convert_notebook({'metadata': {}, 'cells': [md('Hello')]}, 'tutorials/01_xor.ipynb', LINKS, toctree='TOC')
    assert [c['source'] for c in nb['cells']] == ['# xor', 'Hello', 'TOC']


def test_readme_markdown():
    nb = processed_nb()
    nb['cells'][0] = raw('---\ndescription: Layers from scratch\noutput-file: index.html\ntitle: capa_nb\n\n---\n\n')
    nb['cells'].append(md('::: {.callout-note}\nA note\n:::'))
    expected = textwrap.dedent('''\
        # capa_nb

        <!-- WARNING: generated from nbs/index.ipynb by `python tools/docs.py readme`; edit the notebook, not this file. -->

        > Layers from scratch

        ## Math

        $$\\frac{dE}{d\\textbf{x}} = \\sum_I g_I J_I$$

        See [dense](https://capa-nb.github.io/capa_nb/dense.html).

        ---

        [source](https://github.com/capa-nb/capa_nb/blob/main/capa_nb/capa.py#L80)

        ### Capa.forward

        ```python
        def forward(
            Input, # one sample or a batch
        ):
        ```

        *y = l(x, θ), see [`Capa`](https://capa-nb.github.io/capa_nb/capa.html#capa).*

        ```python
        def f(x): return x
        ```

        ```
        only the output
        ```

        ```python
        plt.plot([1, 2])
        ```

        ```python
        1 + 1
        ```

        ```
        2
        ```

        > [!NOTE]
        > A note
        ''')
    assert docs.readme_markdown(nb, LINKS) == expected
    assert docs.readme_markdown(nb, LINKS) == expected      # deterministic


def test_readme_fences_outputs_that_contain_backticks():
    nb = {'cells': [code('print("```")', [stream('```\n')])]}
    assert docs.readme_markdown(nb, LINKS) == '````python\nprint("```")\n````\n\n````\n```\n````\n'


# --- the repo's Quarto config --------------------------------------------------------------------------------

def test_quarto_config_is_nbdevs():
    "nbs/nbdev.yml is what nbdev_preview writes from settings.ini; _quarto.yml is nbdev 2's template."
    import yaml
    from nbdev.quarto import _nbdev_yml
    root = docs.ROOT
    cfg = ConfigParser(delimiters=['='])
    cfg.read(root/'settings.ini', encoding='utf-8')
    vals = {k: cfg['DEFAULT'][k] for k in ('title', 'description', 'branch', 'git_url', 'doc_host', 'doc_baseurl')}
    vals['doc_path'] = cfg['DEFAULT']['doc_path']
    assert (root/'nbs/nbdev.yml').read_text() == _nbdev_yml.format(**vals), (
        'regenerate: python -c "from nbdev.quarto import refresh_quarto_yml; refresh_quarto_yml()"')
    q = yaml.safe_load((root/'nbs/_quarto.yml').read_text())
    assert q['project']['type'] == 'website'
    assert q['format']['html']['theme'] == 'cosmo' and q['format']['html']['css'] == 'styles.css'
    assert q['format']['html']['toc'] is True and 'nbdev.yml' in q['metadata-files']
    assert (root/'nbs/styles.css').exists()


# --- end to end ----------------------------------------------------------------------------------------------

SETTINGS = '''[DEFAULT]
repo = demolib
lib_name = demolib
version = 0.0.1
min_python = 3.10
license = apache2
doc_path = _docs
lib_path = demolib
nbs_path = nbs
recursive = True
tst_flags = notest
put_version_in_init = True
branch = main
custom_sidebar = False
doc_host = https://capa-nb.github.io
doc_baseurl = /capa_nb
git_url = https://github.com/capa-nb/demolib
title = demolib
audience = Developers
author = someone
author_email = someone@example.org
copyright = 2026 onwards, someone
description = A demo
keywords = demo
language = English
status = 3
user = capa-nb
readme_nb = index.ipynb
'''


def write_nb(path, cells):
    path.parent.mkdir(parents=True, exist_ok=True)
    meta = {'kernelspec': {'display_name': 'Python 3', 'language': 'python', 'name': 'python3'}}
    path.write_text(json.dumps({'cells': cells, 'metadata': meta, 'nbformat': 4, 'nbformat_minor': 5}))


def test_build_end_to_end(tmp_path):
    (tmp_path/'settings.ini').write_text(SETTINGS)
    (tmp_path/'demolib').mkdir()
    (tmp_path/'demolib/__init__.py').write_text('__version__ = "0.0.1"\n')
    nbs = tmp_path/'nbs'
    write_nb(nbs/'index.ipynb', [
        md('# demolib\n\n> Demo of $\\frac{dE}{d\\textbf{x}}$'),
        md('The rule, inline $\\frac{dE}{d\\textbf{x}}$ and displayed:\n\n$$\\frac{dE}{d\\textbf{x}} = g J$$\n\n'
           'API: [Layer.forward](https://capa-nb.github.io/capa_nb/core.html#layer.forward){target="_blank"}'),
        code('#| hide\nHIDDEN_MARKER = 1'),
        code('print("hi")', [stream('hi\n')]),
    ])
    write_nb(nbs/'00_core.ipynb', [
        md('# Core\n\n> The core'),
        code('#| default_exp core'),
        code('#| hide\nfrom nbdev.showdoc import show_doc'),
        code('#| export\nclass Layer:\n    "A layer."\n    def forward(self, x, # the input\n               ): # the output\n'
             '        "Compute y = 2x."\n        return 2*x\nEXPORT_MARKER = 1'),
        code('show_doc(Layer.forward)'),
        md('::: {.callout-note}\nMath in a note: $x^2$\n:::'),
        code('#| echo: false\nimport matplotlib', []),
        code('plot()', [out_png()]),
    ])
    write_nb(nbs/'tutorials/tut.ipynb', [md('# Tutorial\n\nBack to [core](../00_core.ipynb).')])
    res = subprocess.run([sys.executable, str(Path(docs.__file__)), '--root', str(tmp_path), '--strict'],
                         capture_output=True, text=True, timeout=300)
    assert res.returncode == 0, res.stdout + res.stderr
    index = tmp_path/'_docs/index.html'
    assert res.stdout.strip().splitlines()[-1] == str(index)
    site = tmp_path/'_docs'
    html = {p: (site/p).read_text() for p in ('index.html', 'core.html', 'tutorials/tut.html')}
    assert '<script defer="defer" src="_static/mathjax/tex-chtml.js"></script>' in html['core.html']
    assert (site/'_static/mathjax/tex-chtml.js').exists() and (site/'searchindex.js').exists()
    assert not any('cdn.' in h or 'mathjax@' in h for h in html.values())
    assert '<h1>demolib' in html['index.html'] and '<h1>Core' in html['core.html']
    assert 'Layer.forward' in html['core.html'] and 'Compute y = 2x.' in html['core.html']
    assert 'href="core.html#layer-forward"' in html['index.html']          # doc-host link -> between pages
    assert 'href="../core.html"' in html['tutorials/tut.html']
    assert 'admonition note' in html['core.html'] and '<img alt=' in html['core.html']
    assert html['index.html'].index('href="core.html"') < html['index.html'].index('href="tutorials/tut.html"')
    for h in html.values():
        for gone in ('#|', 'HIDDEN_MARKER', 'EXPORT_MARKER', 'target="_blank"', '{.callout', 'show_doc('):
            assert gone not in h, gone
    # README: written, then unchanged by a second run, and --check agrees
    run = lambda *a: subprocess.run([sys.executable, str(Path(docs.__file__)), 'readme', '--root', str(tmp_path), *a],
                                    capture_output=True, text=True, timeout=300)
    assert run().returncode == 0
    first = (tmp_path/'README.md').read_text()
    assert first.startswith('# demolib\n') and '> Demo of $\\frac{dE}{d\\textbf{x}}$' in first
    assert 'HIDDEN_MARKER' not in first and '```python\nprint("hi")\n```\n\n```\nhi\n```' in first
    assert run().returncode == 0 and (tmp_path/'README.md').read_text() == first
    assert run('--check').returncode == 0
    (tmp_path/'README.md').write_text(first + 'edited\n')
    assert run('--check').returncode == 1


if __name__ == '__main__':                     # without pytest: run every test, print a pytest-like summary
    import inspect, tempfile, traceback
    passed = failed = 0
    for name, f in list(globals().items()):
        if not (name.startswith('test_') and callable(f)): continue
        try:
            if 'tmp_path' in inspect.signature(f).parameters:
                with tempfile.TemporaryDirectory() as d: f(Path(d))
            else: f()
            passed += 1
        except Exception:
            failed += 1
            print(f'FAILED {name}'); traceback.print_exc()
    print(f'{passed} passed, {failed} failed')
    sys.exit(1 if failed else 0)
