"""Tests of tools/docs.py: `python -m pytest -q tools` (or `python tools/test_docs.py` without pytest).

Unit tests feed small hand-made notebooks and markdown to the conversion functions; `test_build_end_to_end`
builds a tiny nbdev project with the real pipeline (nbdev processing, Sphinx) in a temporary folder.
"""
import base64, json, subprocess, sys, textwrap
from configparser import ConfigParser
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
import docs
from docs import Links, Unsupported

DOC_URL = 'https://capa-nb.github.io/capa_nb/'
SOURCES = ['index.ipynb', '00_capa.ipynb', '01_dense.ipynb', 'tutorials/01_xor.ipynb']
LINKS = Links.for_sources(DOC_URL, SOURCES)
site = lambda here='index.ipynb': (lambda url: LINKS.site_target(url, here))
readme = lambda here='index.ipynb': (lambda url: LINKS.readme_target(url, here))


def md(src, id=None): return {'cell_type': 'markdown', 'metadata': {}, 'source': src, **({'id': id} if id else {})}
def raw(src): return {'cell_type': 'raw', 'metadata': {}, 'source': src}
def code(src, outputs=(), id=None, meta=None):
    return {'cell_type': 'code', 'execution_count': 1, 'metadata': meta or {}, 'outputs': list(outputs), 'source': src,
            **({'id': id} if id else {})}
def out_md(s): return {'output_type': 'execute_result', 'execution_count': 1, 'metadata': {}, 'data': {'text/markdown': s, 'text/plain': 'x'}}
def out_text(s): return {'output_type': 'execute_result', 'execution_count': 1, 'metadata': {}, 'data': {'text/plain': s}}
def stream(s): return {'output_type': 'stream', 'name': 'stdout', 'text': s}
PNG = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=='
def out_png(): return {'output_type': 'display_data', 'metadata': {}, 'data': {'image/png': PNG, 'text/plain': '<Figure>'}}

SHOW_DOC_MD = ('---\n\n[source](https://github.com/capa-nb/capa_nb/blob/main/capa_nb/capa.py#L80)'
               '{target="_blank" style="float:right; font-size:smaller"}\n\n### Capa.forward\n\n'
               '```python\ndef forward(\n    Input, # one sample or a batch\n):\n```\n\n'
               '*y = l(x, θ), see [`Capa`](https://capa-nb.github.io/capa_nb/capa.html#capa).*')


# --- nbdev's own functions, not copies ------------------------------------------------------------------------

def test_uses_the_pinned_nbdevs_functions():
    import nbdev, nbdev.doclinks, nbdev.frontmatter, nbdev.process, nbdev.processors, nbdev.quarto
    assert nbdev.__version__ == '2.4.14'
    assert docs._nbpath2html is nbdev.doclinks._nbpath2html and docs._fm2dict is nbdev.frontmatter._fm2dict
    assert docs.extract_directives is nbdev.process.extract_directives
    assert docs._nbdev_sidebar_sort is nbdev.quarto._sort
    assert docs.WARNING == nbdev.processors.insert_warning.content and docs._re_showdoc is nbdev.processors._re_showdoc
    src = Path(docs.__file__).read_text()
    for copied in ("re.sub(r'^\\d+[a-zA-Z0-9]*_'", 'yaml.safe_load', '_dir_re', 'CALLOUTS'):
        assert copied not in src, copied


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

def test_split_directives_as_nbdev_reads_them():
    d, body = docs.split_directives('#| echo: false\n#| output:asis\n#|code-summary: "Exported source"\n'
                                    '#| hide\n#| export capa\nshow_doc(f)\n#| not a directive: here')
    assert d == {'echo': 'false', 'output': 'asis', 'code-summary': '"Exported source"', 'hide': None, 'export': 'capa'}
    assert body == 'show_doc(f)\n#| not a directive: here'
    assert docs.split_directives('x = 1') == ({}, 'x = 1')
    assert docs.split_directives('#| hide') == ({'hide': None}, '')


def test_front_matter():
    assert docs.front_matter(raw('---\ndescription: A $\\frac{a}{b}$ layer\noutput-file: capa.html\n'
                                 'title: Capa\n\n---\n\n')) == {
        'title': 'Capa', 'description': 'A $\\frac{a}{b}$ layer', 'output-file': 'capa.html'}
    assert docs.front_matter(raw('just raw text')) is None
    assert docs.front_matter(md('---\ntitle: x\n---')) is None


def test_is_attrs():
    assert docs.is_attrs('#install .unnumbered') and docs.is_attrs('width=50%')
    assert docs.is_attrs('target="_blank" style="float:right; font-size:smaller"')
    assert not docs.is_attrs('note') and not docs.is_attrs('dE') and not docs.is_attrs('a, b')


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
    dunder = SHOW_DOC_MD.replace('### Capa.forward', '### Capa.__getstate__')
    nb = {'cells': [raw('---\ntitle: Capa layers\n---'),
                    md('## A *first* [`capa`](capa.html) $x$\n\n```\n# not a heading\n```\n### Install'),
                    code('#| output: asis\n#| echo: false\nshow_doc(Capa.forward)', [out_md(SHOW_DOC_MD)]),
                    code('#| output: asis\n#| echo: false\nshow_doc(Capa.__getstate__)', [out_md(dunder)])]}
    # `__getstate__` in a heading is bold `getstate` for MyST (and pandoc): nbdev's `#capa.__getstate__` misses
    assert docs.page_anchors(nb) == {'capa-layers', 'a-first-capa', 'install', 'capa.forward', 'capa.getstate'}


def test_links_to_missing_anchors_open_the_page():
    links = Links.for_sources(DOC_URL, SOURCES)
    links.anchors = {'capa': {'capa.forward'}}
    t = lambda url: links.site_target(url, 'index.ipynb')
    assert t(DOC_URL + 'capa.html#capa.forward') == '/capa.ipynb#capa.forward'
    assert t(DOC_URL + 'capa.html#_private') == '/capa.ipynb'                  # nbdev links private names too
    assert t(DOC_URL + 'dense.html#x') == '/dense.ipynb#x'                     # anchors unknown: kept
    assert links.missing == [('capa.html#_private', 'index.ipynb')]


def test_readme_links_are_notebooks_in_the_repository():
    assert readme()('00_capa.ipynb#contract') == 'nbs/00_capa.ipynb'
    assert readme()(DOC_URL + 'capa.html#capa') == ''         # nbdev's link of `Capa`: just the name
    assert readme()(DOC_URL + 'capa.html') == 'nbs/00_capa.ipynb'
    assert readme()(DOC_URL + 'tutorials/xor.html') == 'nbs/tutorials/01_xor.ipynb'
    assert readme()(DOC_URL) == 'nbs/index.ipynb'
    assert readme()('images/x.png') == 'nbs/images/x.png'
    assert readme()('https://example.org') is None and readme()('#quick-start') is None


def test_convert_inline_rewrites_links_and_refuses_pandoc_attributes():
    s = ('See [`Capa`](https://capa-nb.github.io/capa_nb/capa.html#capa) and '
         '[the dense\nchapter](01_dense.ipynb "Dense").')
    assert docs.convert_inline(s, site()) == ('See [`Capa`](/capa.ipynb#capa) and '
                                              '[the dense\nchapter](/dense.ipynb "Dense").')
    for attrs in ('![J](j.png){width=50% fig-align="center"}', '[x](u){.big #top}', '[x](u){target="_blank"}'):
        with pytest.raises(Unsupported, match='pandoc attributes after a link or image'):
            docs.convert_inline(attrs, site())


def test_convert_inline_leaves_code_and_math_alone():
    s = '`[a](00_capa.ipynb)` and ``[b](`00_capa.ipynb`)`` and $[0,1](00_capa.ipynb)$ and \\[c](00_capa.ipynb)'
    assert docs.convert_inline(s, site()) == s
    s = 'a $\\frac{dE}{d\\textbf{x}}$ b $$\\sum_I {g_I}$$ [x](u){not attrs here}'
    assert docs.convert_inline(s, site()) == s


# --- Quarto markdown: refused, since no notebook uses it ----------------------------------------------------

@pytest.mark.parametrize('src,what', [
    ('Intro\n\n::: {.callout-note}\nA note\n:::', 'a fenced div (line 3: `::: {.callout-note}`'),
    (':::{note}\nMyST\n:::', 'a fenced div (line 1'),
    ('## Install {#install .unnumbered}\ntext', 'heading attributes (line 1: `## Install {#install .unnumbered}`)'),
    ('![J](j.png){width=50%}', 'pandoc attributes after a link or image: `![J](j.png){width=50%}`'),
])
def test_quarto_markdown_is_refused(src, what):
    with pytest.raises(Unsupported) as e: docs.convert_markdown(src, site())
    assert str(e.value).startswith(what), str(e.value)


def test_plain_markdown_passes():
    src = ('## Loss $\\frac{a}{b}$\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n```python\n::: {.callout-note}\n'
           '[x](00_capa.ipynb){.big}\n```\n\n> quote, [dense](01_dense.ipynb), text {in braces}, $\\{x\\}$')
    assert docs.convert_markdown(src, site()) == src.replace('(01_dense.ipynb)', '(/dense.ipynb)')


# --- show_doc ------------------------------------------------------------------------------------------------

def test_show_doc_markdown():
    res = docs.convert_show_doc(SHOW_DOC_MD, site('00_capa.ipynb'))
    assert res.split('\n\n') == [
        '### Capa.forward',
        '[source](https://github.com/capa-nb/capa_nb/blob/main/capa_nb/capa.py#L80){.nbdev-source}',
        '```python\ndef forward(\n    Input, # one sample or a batch\n):\n```',
        '*y = l(x, θ), see [`Capa`](/capa.ipynb#capa).*']


def test_old_style_show_doc_signature_and_table():
    old = ('---\n\n### Dense.forward\n\n>      Dense.forward (x:numpy.ndarray)\n\n*Compute y.*\n\n'
           '|    | **Type** | **Details** |\n| -- | -------- | ----------- |\n| x | ndarray | input |')
    res = docs.convert_show_doc(old, site())
    assert res.startswith('### Dense.forward\n\n```python\nDense.forward (x:numpy.ndarray)\n```\n\n*Compute y.*')
    assert res.endswith('| x | ndarray | input |') and '---' not in res.split('\n')[0:3]


# --- whole notebooks -----------------------------------------------------------------------------------------

def processed_nb():
    "A notebook as nbdev's proc_nbs leaves it (hidden and export cells already gone)."
    return {'metadata': {}, 'nbformat': 4, 'nbformat_minor': 5, 'cells': [
        raw('---\ndescription: "Layers, $\\\\frac{dE}{d\\\\textbf{x}}$"\noutput-file: capa.html\ntitle: Capa\n\n---\n\n'),
        md('<!-- WARNING: THIS FILE WAS AUTOGENERATED! DO NOT EDIT! -->'),
        md('## Math\n\n$$\\frac{dE}{d\\textbf{x}} = \\sum_I g_I J_I$$\n\nSee [dense](01_dense.ipynb).', id='c-math'),
        code('#| echo: false\n#| output: asis\nshow_doc(Capa.forward)', [out_md(SHOW_DOC_MD)]),
        code('def f(x): return x'),
        code('#| echo: false\nprint("only the output")', [stream('only the output\n')]),
        code('plt.plot([1, 2])', [out_png()]),
        code('1 + 1', [out_text('2')]),
        code('#| eval: false\nexplorer()'),
    ]}


def test_convert_notebook():
    nb = docs.convert_notebook(processed_nb(), '00_capa.ipynb', LINKS)
    cells = nb['cells']
    assert nb['metadata']['kernelspec']['language'] == 'python'         # myst-nb needs it to highlight
    assert [c['cell_type'] for c in cells] == ['markdown', 'markdown', 'markdown', 'code', 'code', 'code', 'code', 'code']
    assert cells[0]['source'] == '# Capa\n\n{.nbdev-description}\nLayers, $\\frac{dE}{d\\textbf{x}}$'
    assert cells[1]['source'] == '## Math\n\n$$\\frac{dE}{d\\textbf{x}} = \\sum_I g_I J_I$$\n\nSee [dense](/dense.ipynb).'
    assert cells[2]['source'].startswith('### Capa.forward\n\n[source](https://github.com/')
    assert cells[2]['source'].count('{.nbdev-source}') == 1 and 'target=' not in cells[2]['source']
    assert cells[3]['source'] == 'def f(x): return x' and cells[3]['metadata'] == {}
    assert cells[4]['source'] == 'print("only the output")' and cells[4]['metadata'] == {'tags': ['remove-input']}
    assert cells[4]['outputs'] == [stream('only the output\n')]
    assert cells[5]['source'] == 'plt.plot([1, 2])' and cells[5]['outputs'][0]['data']['image/png'] == PNG
    assert cells[6]['outputs'][0]['data'] == {'text/plain': '2'}
    assert cells[7]['source'] == 'explorer()' and cells[7]['metadata'] == {}      # a widget cell: code shown
    everything = json.dumps(nb)
    for gone in ('#|', 'WARNING', 'target=', 'output-file', 'capa-nb.github.io'):
        assert gone not in everything, gone


SOURCE_NB = {'cells': [md('# Capa\n\n> Layers', id='c-title'), code('#| hide\nimport x', id='c-hide'),
                       md('## Math', id='c-math'), code('x = 1', id='c-x')]}

@pytest.mark.parametrize('cell,what', [
    (md('::: {.callout-tip}\nTip\n:::', id='c-math'), 'cell 3 (id c-math: `## Math`): a fenced div (line 1'),
    (code('#| code-fold: show\ndef f(x): return x', id='c-x'),
     'cell 4 (id c-x: `x = 1`): the cell option `#| code-fold: show` (translated: only `#| eval: false`, and `#| echo: false`'),
    (code('#| include: false\nsecret = 1', id='c-x'), 'cell 4 (id c-x: `x = 1`): the cell option `#| include: false`'),
    (code('#| echo: true\nx', id='c-x'), 'cell 4 (id c-x: `x = 1`): the cell option `#| echo: true`'),
    (raw('Some raw LaTeX'), 'a cell nbdev made (id None): a raw cell'),
    (raw('---\ntitle: Other\n---'), 'its front matter (the first cell: `# title`, `> description`): a second front matter cell'),
    (code('# the solution\nx = 2', id='c-x', meta={'jupyter': {'source_hidden': True}}),
     'cell 4 (id c-x: `x = 1`): a collapsed cell (metadata jupyter.source_hidden) without `#| hide`'),
])
def test_convert_notebook_refuses_what_it_does_not_translate_naming_notebook_and_cell(cell, what):
    nb = processed_nb()
    nb['cells'].append(cell)
    with pytest.raises(Unsupported) as e:
        docs.convert_notebook(nb, '00_capa.ipynb', LINKS, source_nb=SOURCE_NB, label='nbs/00_capa.ipynb')
    assert str(e.value).startswith('nbs/00_capa.ipynb, ' + what), str(e.value)


def test_front_matter_keys_beyond_nbdevs_are_refused():
    nb = processed_nb()
    nb['cells'][0] = raw('---\ntitle: Capa\nformat: revealjs\n---')
    with pytest.raises(Unsupported, match='front matter key.s. format'): docs.convert_notebook(nb, '00_capa.ipynb', LINKS)


def test_convert_notebook_appends_the_toctree_and_titles_pages_without_front_matter():
    nb = docs.convert_notebook({'metadata': {}, 'cells': [md('Hello')]}, 'tutorials/01_xor.ipynb', LINKS, toctree='TOC')
    assert [c['source'] for c in nb['cells']] == ['# xor', 'Hello', 'TOC']


def test_readme_markdown():
    nb = processed_nb()
    nb['cells'][0] = raw('---\ndescription: Layers from scratch\noutput-file: index.html\ntitle: capa_nb\n\n---\n\n')
    nb['cells'].append(md('> A note, see [`Capa`](https://capa-nb.github.io/capa_nb/capa.html#capa)'))
    expected = textwrap.dedent('''\
        # capa_nb

        <!-- WARNING: generated from nbs/index.ipynb by `python tools/docs.py readme`; edit the notebook, not this file. -->

        > Layers from scratch

        ## Math

        $$\\frac{dE}{d\\textbf{x}} = \\sum_I g_I J_I$$

        See [dense](nbs/01_dense.ipynb).

        ### Capa.forward

        [source](https://github.com/capa-nb/capa_nb/blob/main/capa_nb/capa.py#L80)

        ```python
        def forward(
            Input, # one sample or a batch
        ):
        ```

        *y = l(x, θ), see `Capa`.*

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

        ```python
        explorer()
        ```

        > A note, see `Capa`
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
    cells = [{'id': f'c{i}', **c} for i, c in enumerate(cells)]
    path.write_text(json.dumps({'cells': cells, 'metadata': meta, 'nbformat': 4, 'nbformat_minor': 5}))


def test_build_end_to_end(tmp_path):
    (tmp_path/'settings.ini').write_text(SETTINGS)
    (tmp_path/'demolib').mkdir()
    (tmp_path/'demolib/__init__.py').write_text('__version__ = "0.0.1"\n')
    nbs = tmp_path/'nbs'
    write_nb(nbs/'index.ipynb', [
        md('# demolib\n\n> Demo of $\\frac{dE}{d\\textbf{x}}$'),
        md('The rule, inline $\\frac{dE}{d\\textbf{x}}$ and displayed:\n\n$$\\frac{dE}{d\\textbf{x}} = g J$$\n\n'
           'API: [Layer.forward](https://capa-nb.github.io/capa_nb/core.html#layer.forward)'),
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
        md('## Exercises\n\n### Exercise 1: double\n\nMath in a task: $x^2$'),
        code('def check_ex1(f):\n    assert f(2) == 4\n    print("ok")'),
        code('#| hide\ndef SOLUTION_MARKER(x): return 2 * x\ncheck_ex1(SOLUTION_MARKER)',
             meta={'jupyter': {'source_hidden': True}}),
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
    assert 'Exercise 1: double' in html['core.html'] and 'check_ex1' in html['core.html']
    assert '<img alt=' in html['core.html']
    mathjax = {p.relative_to(site/'_static/mathjax').as_posix() for p in (site/'_static/mathjax').rglob('*') if p.is_file()}
    assert 'tex-chtml.js' in mathjax and 'output/chtml/fonts/woff-v2/MathJax_Main-Regular.woff' in mathjax
    assert 'input/tex/extensions/boldsymbol.js' in mathjax                 # autoload fetches it for \boldsymbol
    assert not mathjax & {'tex-svg.js', 'tex-mml-chtml.js', 'input/tex/extensions/all-packages.js'}
    assert not any(p.startswith(('sre/', 'output/svg', 'a11y/')) for p in mathjax)
    assert sum((site/'_static/mathjax'/p).stat().st_size for p in mathjax) < 2.5e6     # not MathJax's 24 MB
    assert html['index.html'].index('href="core.html"') < html['index.html'].index('href="tutorials/tut.html"')
    for h in html.values():
        for gone in ('#|', 'HIDDEN_MARKER', 'EXPORT_MARKER', 'SOLUTION_MARKER', 'target="_blank"', 'show_doc('):
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


def test_build_fails_loudly_on_quarto_markup(tmp_path):
    (tmp_path/'settings.ini').write_text(SETTINGS)
    (tmp_path/'demolib').mkdir()
    (tmp_path/'demolib/__init__.py').write_text('')
    write_nb(tmp_path/'nbs/index.ipynb', [md('# demolib\n\n> Demo'), md('Plain.')])
    write_nb(tmp_path/'nbs/01_tips.ipynb', [md('# Tips'), md('Fine'), md('::: {.callout-tip}\nA tip\n:::')])
    res = subprocess.run([sys.executable, str(Path(docs.__file__)), '--root', str(tmp_path)],
                         capture_output=True, text=True, timeout=300)
    assert res.returncode == 1, res.stdout + res.stderr
    assert 'nbs/01_tips.ipynb, cell 3 (id c2: `::: {.callout-tip}`): ' in res.stderr and 'a fenced div (line 1: `::: {.callout-tip}`' in res.stderr, res.stderr
    assert not (tmp_path/'_docs').exists()


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
