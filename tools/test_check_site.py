"""Tests of tools/check_site.py: `python -m pytest -q tools`.

The rules are tested on hand-made notebooks and on what the browser reports; the browser tests open a small
hand-made site (each page breaks one rule) and a tiny nbdev project built with tools/docs.py, in headless
Chromium driven by Playwright. They are skipped only if there is no Chromium or no Playwright, and fail instead
when REQUIRE_CHROMIUM=1 (.ci/run).
"""
import base64, collections, json, os, subprocess, sys, sysconfig, textwrap
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
import check_site as cs
import docs
from check_site import Expect

CHROMIUM = cs.find_chromium()
PLAYWRIGHT = cs.have_playwright()
if os.environ.get('REQUIRE_CHROMIUM') == '1' and not (CHROMIUM and PLAYWRIGHT):
    raise RuntimeError('REQUIRE_CHROMIUM=1 but there is no ' + ('Chromium (apt-get install chromium)' if not CHROMIUM
                       else 'Playwright for Python (pip install -e ".[dev]")'))
needs_chromium = pytest.mark.skipif(CHROMIUM is None or not PLAYWRIGHT,
                                    reason='no Chromium (apt-get install chromium) or no Playwright (pip install '
                                    'playwright) here; CI has both and sets REQUIRE_CHROMIUM=1')
MATHJAX = Path(sysconfig.get_paths()['purelib'])/'sphinx-mathjax-offline'/'static'/'mathjax'   # MathJax 3

PNG = base64.b64decode('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==')
def md(src): return {'cell_type': 'markdown', 'metadata': {}, 'source': src}
def raw(src): return {'cell_type': 'raw', 'metadata': {}, 'source': src}
def code(src, outputs=()): return {'cell_type': 'code', 'execution_count': 1, 'metadata': {}, 'outputs': list(outputs), 'source': src}
def png(): return {'output_type': 'display_data', 'metadata': {}, 'data': {'image/png': base64.b64encode(PNG).decode(), 'text/plain': '<Figure>'}}
def out_md(s): return {'output_type': 'execute_result', 'execution_count': 1, 'metadata': {}, 'data': {'text/markdown': s, 'text/plain': 'x'}}
def stream(s): return {'output_type': 'stream', 'name': 'stdout', 'text': s}
def nb(*cells): return {'cells': list(cells), 'metadata': {}, 'nbformat': 4, 'nbformat_minor': 5}


# --- what a notebook's page must show ------------------------------------------------------------------------

def test_math_is_dollar_tex_outside_code():
    assert cs.markdown_has_math('The rule $\\frac{dE}{dx}$.')
    assert cs.markdown_has_math('Displayed:\n\n$$y = Wx$$\n')
    assert cs.markdown_has_math('\\begin{align}a &= b\\end{align}')
    assert not cs.markdown_has_math('Costs 5 dollars; `$x$` is code.')
    assert not cs.markdown_has_math('```python\nprint("$x$")\n```\nno math here')


def test_markdown_images_outside_code():
    assert cs.markdown_images('![a plot](plot.png) and <img src="b.png">') == 2
    assert cs.markdown_images('[a link](x.png), `![not](an image)`\n```\n![code](x.png)\n```') == 0


def test_expect_notebook():
    src = nb(raw('---\ntitle: Core\ndescription: The core\n---'),
             code('#| default_exp core'),
             code('#| hide\nfrom nbdev.showdoc import show_doc\nimport numpy as np'),
             code('#| export\ndef secret_helper(x):\n    return x + 1\nimport numpy as np'),
             md('Prose about `#| export` directives, and $x^2$.'),
             code('import numpy as np\nplt.savefig("secret.png")  #| hide_line\nplt.show()', [png()]),
             code('#| output: false\nplt.plot(x)', [png()]),
             code('#| include: false\nINCLUDE_FALSE_MARKER = 1', [png()]),
             code('#| echo: false\n#| output: asis\nshow_doc(f)', [out_md('### f\n\n![](diagram.png)')]),
             md('![a picture](picture.png)'))
    proc = nb(*[c for c in src['cells'] if c['cell_type'] != 'code' or not c['source'].startswith(('#| hide\n', '#| export', '#| default_exp'))])
    e = cs.expect_notebook(src, proc, 'core.ipynb')
    assert e.src == 'core.ipynb' and e.title == 'Core' and e.math
    assert e.images == 3           # the plot, the image in show_doc's markdown, the markdown image
    assert 'from nbdev.showdoc import show_doc' in e.hidden and 'def secret_helper(x):' in e.hidden
    assert 'return x + 1' in e.hidden and 'INCLUDE_FALSE_MARKER = 1' in e.hidden and 'plt.savefig("secret.png")' in e.hidden
    assert 'import numpy as np' not in e.hidden and 'plt.plot(x)' not in e.hidden     # also in visible cells
    assert e.directives == collections.Counter({'export': 1})   # prose about directives may show `#| export`
    assert not cs.expect_notebook(nb(md('`$x$` costs $5')), nb(md('`$x$` costs $5')), 'a.ipynb').math
    assert len(proc['cells']) == len(src['cells']) - 3    # default_exp, hide, export
    # a cell collapsed in JupyterLab (an exercise's solution) is hidden: its lines must not be on the page
    solution = {**code('#| hide\ndef solution(x): return 3 * x'), 'metadata': {'jupyter': {'source_hidden': True}}}
    collapsed = {**code('def collapsed_only(x): return 3 * x'), 'metadata': {'jupyter': {'source_hidden': True}}}
    e = cs.expect_notebook(nb(solution, collapsed), nb(), 'ex.ipynb')
    assert e.hidden == ['def solution(x): return 3 * x', 'def collapsed_only(x): return 3 * x']


def test_raw_tex():
    assert cs.raw_tex('the rule $\\frac{a}{b}$ says') == ['the rule $\\frac{a}{b}$ says']
    assert cs.raw_tex('inline \\(x\\) left')
    assert cs.raw_tex('a \\textbf{x} here')
    assert cs.raw_tex('$$y$$')
    assert cs.raw_tex('It costs $5 or $6.') == [] and cs.raw_tex('plain text (x) [y]') == []


# --- judging what the browser reported -----------------------------------------------------------------------

GOOD = dict(article=True, text='Core\nSome text $x$ rendered.\n#| export\nimport numpy as np', title='Core',
            prose='Some text rendered.', code='import numpy as np', mathjax='done', math_nodes=1, mjx=1, merrors=[],
            images=[{'src': 'http://127.0.0.1:1/_images/a.png', 'ok': True, 'w': 10}])
EXPECT = Expect(src='core.ipynb', math=True, images=1, hidden=['from nbdev.showdoc import show_doc'],
                directives=collections.Counter({'export': 1}))
judge = lambda **kw: cs.judge('core.html', EXPECT, {**GOOD, **kw}, 'http://127.0.0.1:1/')


def test_judge_passes_a_good_page():
    assert judge() == []


def test_judge_finds_each_problem():
    assert judge(text='Core\n', prose='') == ['empty: the article has no text besides its title']
    assert judge(mjx=0, mathjax='not loaded')[0].startswith('math not rendered')
    assert judge(prose='the rule \\(\\frac{a}{b}\\) here')[0].startswith('raw TeX visible')
    assert judge(merrors=['Undefined control sequence \\fraq'])[0].startswith('MathJax errors')
    p = judge(images=[{'src': 'http://127.0.0.1:1/_images/a.png', 'ok': False, 'w': 0}])
    assert p == ['image did not load: _images/a.png',
                 'missing plots: core.ipynb has 1 image outputs/markdown images, the page shows 0 loaded images']
    p = judge(text=GOOD['text'] + '\n#| hide\n#| export')
    assert len(p) == 1 and p[0].startswith('nbdev directives leak: 2 `#|` (export, hide)')
    p = judge(code='x = 1\nfrom nbdev.showdoc import show_doc')
    assert p == ['hidden cells leak: 1 line of hidden cells of core.ipynb on the page: '
                 '"from nbdev.showdoc import show_doc"']
    # a page no notebook makes (genindex, search) may be empty, but not leak or show raw math nodes
    assert cs.judge('search.html', Expect(), {**GOOD, 'text': '', 'mjx': 0}, '')[0].startswith('math not rendered')


def test_network_problems():
    base = 'http://127.0.0.1:8000/'
    req = lambda url: {'kind': 'request', 'url': url}
    events = [req(base + 'core.html'), req('data:image/png;base64,xx'),
              req('https://cdn.jsdelivr.net/npm/mathjax@3/es5/tex-chtml.js'),
              {'kind': 'failed', 'url': 'https://cdn.jsdelivr.net/npm/mathjax@3/es5/tex-chtml.js', 'text': 'net::ERR_INTERNET_DISCONNECTED'},
              {'kind': 'console', 'text': 'Failed to load resource: net::ERR_INTERNET_DISCONNECTED'},
              req(base + '_static/gone.css'), {'kind': 'response', 'url': base + '_static/gone.css', 'status': 404},
              req(base + '_static/reset.js'), {'kind': 'failed', 'url': base + '_static/reset.js', 'text': 'net::ERR_CONNECTION_RESET'},
              req(base + '_static/left.js'), {'kind': 'failed', 'url': base + '_static/left.js', 'text': 'net::ERR_ABORTED'},
              req(base + 'favicon.ico'), {'kind': 'response', 'url': base + 'favicon.ico', 'status': 404},
              {'kind': 'pageerror', 'text': 'TypeError: x is undefined'},
              {'kind': 'console', 'text': 'bad 1'}]
    assert cs.network_problems(events, base) == [
        'JavaScript error: TypeError: x is undefined',
        'console error: bad 1',
        'request to a non-loopback host: https://cdn.jsdelivr.net/npm/mathjax@3/es5/tex-chtml.js',
        'failed to load _static/gone.css (HTTP 404)',
        'failed to load _static/reset.js (net::ERR_CONNECTION_RESET)']


def test_loopback():
    assert cs.is_loopback('http://127.0.0.1:8000/x.html') and cs.is_loopback('http://localhost/x') and cs.is_loopback('data:,x')
    assert not cs.is_loopback('http://192.0.2.1/a.png') and not cs.is_loopback('https://cdn.jsdelivr.net/x.js')
    assert not cs.is_loopback('file:///etc/passwd')


# --- in the browser: a hand-made site, one broken rule per page ----------------------------------------------

def page(title, body, mathjax=True):
    head = ('<script>window.MathJax = {"options": {"processHtmlClass": "math"}}</script>'
            '<script defer src="_static/mathjax/tex-chtml.js"></script>') if mathjax else ''
    return (f'<!doctype html><html><head><meta charset="utf-8"><title>{title}</title>{head}</head><body>'
            f'<nav>Site navigation</nav><article role="main"><h1>{title}</h1>{body}</article></body></html>')

MATH = '<p>The rule <span class="math">\\(\\frac{dE}{d\\textbf{x}}\\)</span> and a plot:</p>'
IMG = '<img src="_images/plot.png" alt="plot">'
HIDDEN = ['import nbdev; nbdev.nbdev_export()']
SITE = {   # page: (html, Expect, the problems it must have: prefixes)
    'good.html': (page('Good', MATH + IMG + '<p>About <code>#| export</code>.</p><pre>x = 1</pre>'),
                  Expect('good.ipynb', True, 1, HIDDEN, collections.Counter(export=1)), []),
    'directive.html': (page('Directive', MATH + IMG + '<pre>#| hide\nx = 1</pre>'),
                       Expect('d.ipynb', True, 1, HIDDEN), ['nbdev directives leak: 1 `#|` (hide)']),
    'hidden.html': (page('Hidden', MATH + IMG + '<details><summary>code</summary><pre>import nbdev; nbdev.nbdev_export()</pre></details>'),
                    Expect('h.ipynb', True, 1, HIDDEN), ['hidden cells leak: 1 line']),
    'nomathjax.html': (page('No MathJax', MATH + IMG, mathjax=False), Expect('m.ipynb', True, 1),
                       ['math not rendered', 'raw TeX visible']),
    'dollars.html': (page('Dollars', '<p>Plain $\\frac{a}{b}$ text.</p>' + IMG, mathjax=False),
                     Expect('m2.ipynb', True, 1), ['math not rendered', 'raw TeX visible']),
    'texerror.html': (page('TeX error', '<p><span class="math">\\(\\frac{a}\\)</span></p>' + IMG),
                      Expect('t.ipynb', True, 1), ['MathJax errors']),
    'noplot.html': (page('No plot', MATH + '<img src="_images/missing.png">'), Expect('p.ipynb', True, 2),
                    ['image did not load: _images/missing.png', 'missing plots', 'failed to load _images/missing.png (HTTP 404)']),
    'remote.html': (page('Remote', MATH + IMG + '<img src="http://example.com/remote.png">'
                         '<img src="http://192.0.2.1/literal.png">'
                         '<script src="https://cdn.jsdelivr.net/npm/x/x.js"></script>'),
                    Expect('r.ipynb', True, 1), ['image did not load: http://example.com/remote.png',
                                                 'image did not load: http://192.0.2.1/literal.png',
                                                 'request to a non-loopback host: http://example.com/remote.png',
                                                 'request to a non-loopback host: http://192.0.2.1/literal.png',
                                                 'request to a non-loopback host: https://cdn.jsdelivr.net/npm/x/x.js']),
    'empty.html': (page('Empty', ''), Expect('e.ipynb'), ['empty']),
    'jserror.html': (page('JS error', MATH + IMG + '<script>null.boom()</script>'), Expect('j.ipynb', True, 1),
                     ['JavaScript error: TypeError']),
    'console.html': (page('Console', MATH + IMG + '<script>console.error("broken", 42)</script>'), Expect('c.ipynb', True, 1),
                     ['console error: broken 42']),
}


@pytest.fixture(scope='module')
def site_results(tmp_path_factory):
    site = tmp_path_factory.mktemp('site')
    (site/'_static').mkdir()
    (site/'_static/mathjax').symlink_to(MATHJAX, target_is_directory=True)
    (site/'_images').mkdir()
    (site/'_images/plot.png').write_bytes(PNG)
    for name, (html, _, _) in SITE.items(): (site/name).write_text(html, encoding='utf-8')
    results = cs.check_pages(site, {name: e for name, (_, e, _) in SITE.items()}, CHROMIUM, jobs=2)
    return {r.page: r for r in results}


@needs_chromium
@pytest.mark.parametrize('name', list(SITE))
def test_browser_finds_exactly_the_broken_rule(site_results, name):
    r = site_results[name]
    expected = SITE[name][2]
    assert len(r.problems) == len(expected), r.problems
    for p, want in zip(sorted(r.problems), sorted(expected)):
        assert p.startswith(want), (p, want)


@needs_chromium
def test_browser_sees_rendered_math_and_loaded_images(site_results):
    assert all(r.seconds < 10 for r in site_results.values())   # nothing waits for the network
    r = site_results['good.html']
    assert r.problems == [] and r.stats['formulas'] == 1 and r.stats['images'] == 1
    assert site_results['dollars.html'].stats['formulas'] == 0 and site_results['noplot.html'].stats['images'] == 0


# --- end to end: a tiny nbdev project built by tools/docs.py --------------------------------------------------

from test_docs import SETTINGS  # the same demo project's settings.ini as the docs tests


def write_nb(path, cells):
    path.parent.mkdir(parents=True, exist_ok=True)
    meta = {'kernelspec': {'display_name': 'Python 3', 'language': 'python', 'name': 'python3'}}
    path.write_text(json.dumps({'cells': cells, 'metadata': meta, 'nbformat': 4, 'nbformat_minor': 5}))


def report_block(out, page):
    "The report's line of `page` and its problem lines (stripped)."
    lines = out.splitlines()
    i = next(i for i, l in enumerate(lines) if l[5:].startswith(page + ' '))
    block = [lines[i]]
    for l in lines[i + 1:]:
        if not l.startswith('       - '): break
        block.append(l.strip())
    return block


def run_check(root, *args):
    return subprocess.run([sys.executable, str(Path(cs.__file__)), '--root', str(root), *args],
                          capture_output=True, text=True, timeout=300)


@needs_chromium
def test_end_to_end_on_a_built_site(tmp_path):
    (tmp_path/'settings.ini').write_text(SETTINGS)
    (tmp_path/'demolib').mkdir()
    (tmp_path/'demolib/__init__.py').write_text('')
    write_nb(tmp_path/'nbs/index.ipynb', [
        md('# demolib\n\n> Layers, with $\\frac{dE}{d\\textbf{x}}$'),
        md('Write `#| export` above the cells of the package. The rule: $$\\frac{dE}{d\\textbf{x}} = g J$$'),
        code('#| hide\nfrom demolib import *\nHIDDEN_MARKER = 42'),
        code('print("hi")', [stream('hi\n')])])
    write_nb(tmp_path/'nbs/00_core.ipynb', [
        md('# Gradients\n\n> The core'),
        code('#| default_exp core'),
        code('#| hide\nfrom nbdev.showdoc import show_doc'),
        code('#| export\ndef double(x):\n    "Twice $x$."\n    return 2*x'),
        code('#| echo: false\n#| output: asis\nshow_doc(double)'),
        md('A plot of $y = 2x$:'),
        code('plot()', [png()]),
        md('## Exercises\n\n### Exercise 1: triple\n\nWrite `triple(x)`; check it with `check_ex1(triple)`.'),
        code('def check_ex1(f):\n    assert f(2) == 6, "not 3x"\n    print("✓ Exercise 1: correct")'),
        {**code('#| hide\ndef triple_solution(x): return 3 * x\ncheck_ex1(triple_solution)'),
         'metadata': {'jupyter': {'source_hidden': True}}},
        code('#| hide\nimport nbdev; nbdev.nbdev_export()')])
    write_nb(tmp_path/'nbs/tutorials/tut.ipynb', [md('# Tutorial'), md('See [core](../00_core.ipynb).')])
    res = subprocess.run([sys.executable, str(Path(docs.__file__)), '--root', str(tmp_path)],
                         capture_output=True, text=True, timeout=300)
    assert res.returncode == 0, res.stdout + res.stderr
    res = run_check(tmp_path)
    assert res.returncode == 0, res.stdout + res.stderr
    out = res.stdout
    for line in ('ok   core.html', 'ok   index.html', 'ok   tutorials/tut.html', 'ok   search.html', 'ok   genindex.html'):
        assert line in out, out
    assert '(00_core.ipynb)' in out and '1 images (≥1 expected)' in out and 'search "Gradients": 1 results' in out
    # a page that lost its plot and shows a hidden cell; a notebook without a page
    site = tmp_path/'_docs'
    html = (site/'core.html').read_text()
    img = next(p for p in (site/'_images').iterdir())
    img.unlink()
    (site/'core.html').write_text(html.replace('</article>', '<pre>HIDDEN_MARKER = 42</pre></article>'))
    (site/'tutorials/tut.html').unlink()
    res = run_check(tmp_path)
    assert res.returncode == 1, res.stdout + res.stderr
    out = res.stdout
    core = report_block(out, 'core.html')
    assert core[0].startswith('FAIL core.html') and len(core) == 4, core
    assert core[1:] == ['- image did not load: _images/' + img.name,
                        '- missing plots: 00_core.ipynb has 1 image outputs/markdown images, the page shows 0 loaded images',
                        f'- failed to load _images/{img.name} (HTTP 404)']   # index's hidden line: not core's
    assert 'FAIL tutorials/tut.ipynb: its page tutorials/tut.html is not in' in out
    assert 'ok   index.html' in out
    (site/'index.html').write_text((site/'index.html').read_text().replace('</article>', '<pre>HIDDEN_MARKER = 42</pre></article>'))
    res = run_check(tmp_path, 'index.html')
    assert res.returncode == 1 and 'hidden cells leak: 1 line of hidden cells of index.ipynb on the page: "HIDDEN_MARKER = 42"' in res.stdout, res.stdout
    # an exercise's hidden solution on the page: its lines and its `#| hide`
    html = (site/'core.html').read_text()
    (site/'core.html').write_text(html.replace('</article>', '<pre>#| hide\ndef triple_solution(x): return 3 * x</pre></article>'))
    res = run_check(tmp_path, 'core.html')
    assert res.returncode == 1, res.stdout
    assert ('hidden cells leak: 1 line of hidden cells of 00_core.ipynb on the page: "def triple_solution(x): return 3 * x"'
            in res.stdout and 'nbdev directives leak: 1 `#|` (hide)' in res.stdout), res.stdout
    assert run_check(tmp_path, 'nope.html').returncode == 2
