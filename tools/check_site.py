#!/usr/bin/env python
"""Open every page of the built docs site (`_docs/`) in headless Chromium and check what a reader sees.

Run it after `python tools/docs.py`. The site is served over HTTP from 127.0.0.1 (a random free port);
Chromium resolves no other host and reaches no other address. Each page is loaded, MathJax is waited for,
and the rendered page is checked:

- it loads (HTTP 200), with no JavaScript error, no console error and no failed request for a file of the
  site;
- no request leaves loopback (a CDN, a remote image or font: the site must work offline);
- the article has text besides its title;
- math: when the page has math (TeX between `$` in the processed notebook, or Sphinx math nodes in the
  page), MathJax rendered it (`mjx-container`), no formula is a MathJax error, and no raw TeX (`$x$`,
  `\\(`, `\\frac`) is visible in the text outside code;
- plots: every image in the article loaded (naturalWidth > 0), and there are at least as many as the
  processed notebook (`_proc/`) has image outputs and markdown images;
- nbdev leaks: `#|` appears no more often than the notebook's visible text has it (prose about directives
  is fine, a directive line is not), and no line of a hidden cell (`#| hide`, so also the exercises' hidden
  solutions, `#| export`, `#| exporti`, `#| default_exp`, `#| include: false`, `#| hide_line`, a cell
  collapsed in JupyterLab: metadata `jupyter.source_hidden`) of the source notebook in `nbs/` is on the page,
  unless the same line is also visible content of the notebook (lines of 8 characters or more, looked for in
  the page's code blocks);
- `search.html` finds a page title.

Pages are matched to notebooks with tools/docs.py's own functions (nbdev's list of notebooks, nbdev's html
names). The browser is the system's Chromium (Debian's /usr/bin/chromium), driven by Playwright for Python
(`pip install playwright`) through `executable_path`: Playwright's own browser builds are never downloaded.
Every request for a non-loopback URL is aborted by a Playwright route (and reported).

    python tools/check_site.py [--root .] [--site _docs] [--chromium /usr/bin/chromium] [--jobs 2] [PAGE ...]

Exit status: 0 if every page passes, 1 if a page fails (with a per-page report), 2 if the check can't run.
"""
from __future__ import annotations

import argparse, collections, functools, http.server, json, os, re, shutil, sys, threading, time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parent))
import docs                                                    # noqa: E402  (tools/docs.py)

HIDDEN_DIRECTIVES = {'hide', 'export', 'exporti', 'default_exp'}      # nbdev's processors drop these cells
IMAGE_MIMES = ('image/png', 'image/jpeg', 'image/gif', 'image/svg+xml', 'image/webp')
LOOPBACK = {'127.0.0.1', 'localhost', '::1', '[::1]'}
MIN_HIDDEN_LINE = 8        # shorter lines of hidden cells (`x = 1`) are too common to call a leak


# ---------------------------------------------------------------------------------------------------------------
# What each page should show, from its notebooks

@dataclass
class Expect:
    "What the page of one notebook must show (`src` None: a page that no notebook makes, e.g. genindex)."
    src: str | None = None
    math: bool = False                 # the processed notebook has TeX
    images: int = 0                    # image outputs and markdown images of the processed notebook
    hidden: list = field(default_factory=list)     # lines of hidden cells that are nowhere else in the notebook
    directives: collections.Counter = field(default_factory=collections.Counter)   # allowed `#| word`s
    title: str | None = None           # the page title (front matter), if any
    search: str | None = None          # search.html only: a query that must find a page


_dirword_re = re.compile(r'#\|\s*([\w-]*)')
_hide_line_re = re.compile(r'^(.*?)\s*#\|\s*hide_line\s*$')

def norm(s: str) -> str: return ' '.join(s.split())


def strip_fences(md: str) -> tuple[str, str]:
    "Markdown `md` split into (text outside fenced code blocks, text of the fenced blocks)."
    out, code, fence = [], [], None
    for line in md.split('\n'):
        m = docs._fence_re.match(line)
        if fence:
            if m and m.group(1)[0] == fence[0] and len(m.group(1)) >= len(fence): fence = None
            else: code.append(line)
            continue
        if m: fence = m.group(1); continue
        out.append(line)
    return '\n'.join(out), '\n'.join(code)


def markdown_has_math(md: str) -> bool:
    "True if markdown `md` has `$...$`, `$$...$$` or an amsmath environment outside code."
    prose, _ = strip_fences(md)
    if re.search(r'\\begin\{(align|equation|gather|multline|eqnarray)\*?\}', prose): return True
    return any(m.group('math') for m in docs._inline_re.finditer(prose))


def markdown_images(md: str) -> int:
    "Number of images (`![..](..)`, `<img>`) in markdown `md`, outside code."
    prose, _ = strip_fences(md)
    n = sum(1 for m in docs._inline_re.finditer(prose) if m.group('link') and m.group('bang'))
    return n + len(re.findall(r'<img\b', prose, re.I))


def output_text(o) -> str:
    "All the text of one output (stream, text/* data, an error's message)."
    if o.get('output_type') == 'stream': return docs.text(o.get('text'))
    if o.get('output_type') == 'error': return f"{o.get('ename')}: {o.get('evalue')}"
    return '\n'.join(docs.text(v) for k, v in o.get('data', {}).items() if k.startswith('text/'))


def is_hidden(directives: dict) -> bool:
    return bool(HIDDEN_DIRECTIVES & set(directives)) or docs.is_false(directives.get('include'))


def expect_notebook(src_nb: dict, proc_nb: dict, src: str | None = None) -> Expect:
    """What the page of a notebook must show: `src_nb` as in `nbs/`, `proc_nb` as nbdev processed it.
    Math and images come from the processed notebook (what the page is made of); hidden cells and the
    text the page may legitimately show come from the source notebook."""
    e = Expect(src=src)
    for c in proc_nb.get('cells', []):
        ct, source = c.get('cell_type'), docs.text(c.get('source'))
        if ct == 'raw':
            fm = docs.front_matter(c)
            if fm is not None and e.title is None and fm.get('title'): e.title = str(fm['title'])
            if fm is not None and markdown_has_math(str(fm.get('description') or '')): e.math = True
            continue
        if ct == 'markdown':
            e.math |= markdown_has_math(source)
            e.images += markdown_images(source)
            continue
        if ct != 'code': continue
        d, _ = docs.split_directives(source)
        if docs.is_false(d.get('include')) or docs.is_false(d.get('output')): continue
        asis = docs.asis_markdown(c) if d.get('output') == 'asis' else None
        if asis is not None:
            e.math |= markdown_has_math(asis)
            e.images += markdown_images(asis)
            continue
        for o in c.get('outputs', []):
            data = o.get('data', {})
            if any(k in data for k in IMAGE_MIMES): e.images += 1
            if 'text/markdown' in data:
                md = docs.text(data['text/markdown'])
                e.math |= markdown_has_math(md)
                e.images += markdown_images(md)
            if 'text/latex' in data and 'text/html' not in data and 'text/markdown' not in data: e.math = True

    # text the page may show: visible cells of the source notebook and every output nbdev made
    shown, hidden = [], []
    for c in src_nb.get('cells', []):
        ct, source = c.get('cell_type'), docs.text(c.get('source'))
        if ct != 'code':
            shown.append(source)
            continue
        d, body = docs.split_directives(source)
        if is_hidden(d) or docs.nested(c, 'metadata', 'jupyter', 'source_hidden'):
            hidden += body.splitlines()
            continue
        for line in body.splitlines():
            m = _hide_line_re.match(line)
            (hidden if m else shown).append(m.group(1) if m else line)
        shown += [output_text(o) for o in c.get('outputs', [])]
    for c in proc_nb.get('cells', []):
        shown += [output_text(o) for o in c.get('outputs', [])]
    allowed = norm('\n'.join(shown))
    for line in hidden:
        n = norm(line)
        if len(n) >= MIN_HIDDEN_LINE and n not in allowed and n not in e.hidden: e.hidden.append(n)
    e.directives = collections.Counter(_dirword_re.findall('\n'.join(shown)))
    return e


def load_config(root: Path):
    "nbdev's config of the project at `root` (nbdev caches the config of the first project it reads)."
    from nbdev.config import get_config
    get_config.cache_clear()
    return docs.load_config(root)


def read_json(path: Path) -> dict: return json.loads(path.read_text(encoding='utf-8'))


def site_expectations(root: Path, site: Path) -> tuple[dict, list]:
    """{page path relative to `site`: Expect} for every html page of the site, and the problems found
    before opening any page (a notebook without a page, a notebook missing from `_proc/`)."""
    cfg = load_config(root)
    proc = cfg.config_path/'_proc'
    problems, pages = [], {}
    by_page = {docs.docname_for(s) + '.html': s for s in docs.list_notebooks(cfg)}
    for page in sorted(p.relative_to(site).as_posix() for p in site.rglob('*.html')):
        if page.split('/')[0].startswith('_'): continue                  # _static, _sources, _images
        src = by_page.get(page)
        if src is None:
            pages[page] = Expect()
            continue
        if not (proc/src).exists():
            problems.append(f'{src}: no processed notebook {proc/src} (build the docs: python tools/docs.py)')
            pages[page] = Expect(src=src)
            continue
        pages[page] = expect_notebook(read_json(cfg.nbs_path/src), read_json(proc/src), src)
    for page, src in by_page.items():
        if page not in pages: problems.append(f'{src}: its page {page} is not in {site}')
    if 'search.html' in pages:
        titles = [e.title or Path(p).stem for p, e in pages.items() if e.src and p != 'index.html']
        word = next((w for t in titles for w in re.findall(r'[A-Za-z]{4,}', t)), None)
        pages['search.html'].search = word
    return pages, problems


# ---------------------------------------------------------------------------------------------------------------
# Serving the site

class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *a): pass


@functools.lru_cache(maxsize=None)
def _handler(directory: str):
    return functools.partial(_Quiet, directory=directory)


class _HTTPServer(http.server.ThreadingHTTPServer):
    daemon_threads = True
    def handle_error(self, request, client_address):
        if not isinstance(sys.exc_info()[1], ConnectionError): super().handle_error(request, client_address)


class Server:
    "The folder `site` over HTTP on 127.0.0.1, a random free port, in a thread: `with Server(site) as base:`."
    def __init__(self, site: Path):
        self.httpd = _HTTPServer(('127.0.0.1', 0), _handler(str(site)))
        self.base = f'http://127.0.0.1:{self.httpd.server_address[1]}/'

    def __enter__(self):
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()
        return self.base

    def __exit__(self, *a):
        self.httpd.shutdown()
        self.httpd.server_close()


# ---------------------------------------------------------------------------------------------------------------
# The browser: Playwright for Python driving the system's Chromium (no browser download)

BROWSER_ARGS = ['--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run',
                '--disable-sync', '--disable-dev-shm-usage', '--mute-audio', '--hide-scrollbars',
                # no name resolves but loopback; requests to IP literals are aborted by the route below
                '--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1']


def is_loopback(url: str) -> bool:
    "True for URLs that stay on this machine (and data:, blob:, about: ones, which load nothing)."
    u = urlsplit(url)
    if u.scheme in ('data', 'blob', 'about', 'chrome', 'chrome-extension', 'devtools'): return True
    return u.scheme in ('http', 'https', 'ws', 'wss') and (u.hostname or '') in LOOPBACK


def have_playwright() -> bool:
    try: import playwright.async_api                           # noqa: F401
    except ImportError: return False
    return True


class Recorder:
    "What one page did while it was open: requests, responses, failures, JavaScript and console errors."
    def __init__(self, page):
        self.events = []
        add = self.events.append
        page.on('request', lambda r: add({'kind': 'request', 'url': r.url}))
        page.on('response', lambda r: add({'kind': 'response', 'url': r.url, 'status': r.status}))
        page.on('requestfailed', lambda r: add({'kind': 'failed', 'url': r.url, 'text': r.failure or ''}))
        page.on('pageerror', lambda e: add({'kind': 'pageerror', 'text': f'{e.name}: {e.message}' if e.name else e.message}))
        page.on('console', lambda m: m.type == 'error' and add({'kind': 'console', 'text': m.text}))


# ---------------------------------------------------------------------------------------------------------------
# Checking one page

# Runs in the page once it has loaded: waits for MathJax and the article's images, then reports what is shown.
INSPECT_JS = r'''
(async (budget) => {
  const sleep = ms => new Promise(r => setTimeout(r, ms));
  const deadline = Date.now() + budget;
  let mathjax = 'absent';
  if (window.MathJax) {
    // tex-chtml.js is a deferred script: run by the load event, or (async) very soon after, or never
    const soon = Math.min(deadline, Date.now() + 3000);
    while (!(MathJax.startup && MathJax.startup.promise) && Date.now() < soon) await sleep(25);
    if (MathJax.startup && MathJax.startup.promise)
      mathjax = await Promise.race([MathJax.startup.promise.then(() => 'done', e => 'failed: ' + e),
                                    sleep(Math.max(0, deadline - Date.now())).then(() => 'timed out')]);
    else mathjax = 'not loaded';
  }
  const art = document.querySelector('article[role=main]') || document.querySelector('article')
              || document.querySelector('main') || document.body;
  const imgs = [...art.querySelectorAll('img')];
  imgs.forEach(i => { if (i.loading === 'lazy') i.loading = 'eager'; });
  await Promise.all(imgs.map(i => i.complete ? null : new Promise(r => {
    i.addEventListener('load', r); i.addEventListener('error', r); setTimeout(r, Math.max(0, deadline - Date.now()));
  })));
  art.querySelectorAll('details').forEach(d => { d.open = true; });       // folded code is on the page too
  const skip = 'pre, code, kbd, samp, script, style, textarea, noscript, mjx-container, .highlight';
  const prose = [];
  const walker = document.createTreeWalker(art, NodeFilter.SHOW_TEXT);
  for (let n; (n = walker.nextNode());) {
    const p = n.parentElement;
    if (!p || p.closest(skip) || !p.getClientRects().length || getComputedStyle(p).visibility === 'hidden') continue;
    prose.push(n.nodeValue);
  }
  const h1 = art.querySelector('h1');
  return {
    article: !!document.querySelector('article[role=main], article, main'),
    text: art.innerText,
    title: h1 ? h1.innerText : '',
    prose: prose.join(''),
    code: [...art.querySelectorAll('pre')].map(p => p.innerText).join('\n'),
    mathjax,
    math_nodes: art.querySelectorAll('.math').length,
    mjx: art.querySelectorAll('mjx-container').length,
    merrors: [...art.querySelectorAll('mjx-merror')].map(e => e.getAttribute('data-mjx-error') || e.textContent).slice(0, 5),
    images: imgs.map(i => ({src: i.currentSrc || i.src, ok: i.complete && i.naturalWidth > 0, w: i.naturalWidth})),
  };
})
'''

SEARCH_JS = r'''
(async (budget) => {
  const sleep = ms => new Promise(r => setTimeout(r, ms));
  const deadline = Date.now() + budget;
  let summary = null;
  while (Date.now() < deadline) {
    summary = document.querySelector('#search-results .search-summary');
    if (summary && summary.innerText.trim()) break;
    await sleep(50);
  }
  return {summary: summary ? summary.innerText : null,
          results: document.querySelectorAll('#search-results ul.search li').length};
})
'''

_tex_res = [
    re.compile(r'\$\$'),
    re.compile(r'\$(?=[^\s$])[^$\n]*?(?<=[^\s\\])\$(?!\d)'),          # inline $...$, as tools/docs.py finds it
    re.compile(r'\\[()\[\]]'),                                          # Sphinx's \( \) \[ \] delimiters
    re.compile(r'\\(?:begin|end)\{[a-z*]+\}|\\[a-zA-Z]{2,}(?![a-zA-Z])'),   # \frac, \textbf, \begin{align}
]

def raw_tex(text: str) -> list[str]:
    "Snippets of TeX source in visible text (that MathJax should have rendered)."
    found = []
    for r in _tex_res:
        for m in r.finditer(text):
            a, b = max(0, m.start() - 25), min(len(text), m.end() + 25)
            snippet = ' '.join(text[a:b].split())
            if snippet not in found: found.append(snippet)
            if len(found) >= 3: return found
    return found


def short(s: str, n: int = 100) -> str:
    s = ' '.join(str(s).split())
    return s if len(s) <= n else s[:n - 1] + '…'


@dataclass
class PageResult:
    page: str
    src: str | None
    problems: list = field(default_factory=list)
    info: str = ''
    seconds: float = 0.0
    stats: dict = field(default_factory=dict)      # what the page showed: chars, formulas, images, results


def judge(page: str, e: Expect, shown: dict, base: str) -> list[str]:
    "Problems of a page from what INSPECT_JS reported (`shown`) and what its notebook says (`e`)."
    problems = []
    text = shown.get('text') or ''
    if not shown.get('article'): problems.append('no <article>/<main> element: not a page of the site')
    body = text.replace(shown.get('title') or '', '', 1).strip()
    if e.src and not body:
        problems.append('empty: the article has no text' + (' besides its title' if text.strip() else ''))
    has_math = e.math or shown.get('math_nodes', 0) > 0
    if has_math:
        if not shown.get('mjx'):
            why = {'absent': 'MathJax is not on the page', 'not loaded': 'MathJax did not load'}.get(
                shown.get('mathjax'), f"MathJax {shown.get('mathjax')}")
            problems.append(f'math not rendered: the page has math but no mjx-container ({why})')
        tex = raw_tex(shown.get('prose') or '')
        if tex: problems.append('raw TeX visible: ' + ' | '.join(f'"{t}"' for t in tex))
    if shown.get('merrors'): problems.append('MathJax errors: ' + ' | '.join(short(m, 60) for m in shown['merrors']))
    imgs = shown.get('images') or []
    broken = [i['src'] for i in imgs if not i['ok']]
    for src in broken[:5]: problems.append(f'image did not load: {src.replace(base, "")}')
    loaded = len(imgs) - len(broken)
    if loaded < e.images:
        problems.append(f'missing plots: {e.src} has {e.images} image outputs/markdown images, '
                        f'the page shows {loaded} loaded image{"s" * (loaded != 1)}')
    seen = collections.Counter(_dirword_re.findall(text))
    extra = seen - e.directives
    if extra:
        lines = [l.strip() for l in text.splitlines() if '#|' in l]
        problems.append(f'nbdev directives leak: {sum(extra.values())} `#|` ({", ".join(sorted(extra))}) '
                        'more than the notebook shows: ' + ' | '.join(f'"{short(l, 60)}"' for l in lines[:4]))
    code = norm(shown.get('code') or '')             # a leaked cell is a code block (`pre`) of the page
    leaked = [h for h in e.hidden if h in code]
    if leaked:
        problems.append(f'hidden cells leak: {len(leaked)} line{"s" * (len(leaked) != 1)} of hidden cells of '
                        f'{e.src} on the page: ' + ' | '.join(f'"{short(l, 60)}"' for l in leaked[:4]))
    return problems


def network_problems(events: list, base: str) -> list[str]:
    """Requests that left loopback, files of the site that failed to load, JavaScript and console errors, from
    the events a `Recorder` collected (dicts: kind request/response/failed/pageerror/console, url, status, text)."""
    problems, outside, failed = [], [], []
    for ev in events:
        kind, url = ev['kind'], ev.get('url', '')
        if kind == 'request':
            if not is_loopback(url) and url not in outside: outside.append(url)
        elif kind == 'response':
            if ev['status'] >= 400 and not url.endswith('/favicon.ico'):
                failed.append(f"{url.replace(base, '')} (HTTP {ev['status']})")
        elif kind == 'failed':              # ERR_ABORTED: a load the page itself cancelled (or left behind)
            if (urlsplit(url).hostname in LOOPBACK and 'ERR_ABORTED' not in ev['text']
                    and not url.endswith('/favicon.ico')):
                failed.append(f"{url.replace(base, '')} ({ev['text']})")
        elif kind == 'pageerror':
            problems.append(f"JavaScript error: {short(ev['text'], 160)}")
        elif kind == 'console':             # failed loads are reported above, with their URL
            if not ev['text'].startswith('Failed to load resource'):
                problems.append(f"console error: {short(ev['text'], 160)}")
    problems += [f'request to a non-loopback host: {short(u, 120)}' for u in outside[:5]]
    if len(outside) > 5: problems.append(f'... and {len(outside) - 5} more non-loopback requests')
    problems += [f'failed to load {short(f, 120)}' for f in dict.fromkeys(failed)]
    return problems


async def check_page(context, base: str, page: str, e: Expect, budget: float = 15, timeout: float = 30) -> PageResult:
    "Open `page` of the site served at `base` in a new tab of the Playwright browser `context`, and judge it."
    import asyncio
    from playwright.async_api import Error as PlaywrightError
    t0 = time.time()
    res = PageResult(page, e.src)
    url = base + page
    tab = await context.new_page()
    rec = Recorder(tab)
    try:
        try: resp = await tab.goto(url, wait_until='load', timeout=timeout * 1000)
        except PlaywrightError as ex:
            res.problems.append(f'did not load: {short(ex.message.splitlines()[0], 200)}')
            resp = False
        if resp is not False:
            if resp is not None and resp.status != 200: res.problems.append(f'HTTP {resp.status} for the page')
            inspect = lambda js: asyncio.wait_for(tab.evaluate(js, int(budget * 1000)), budget + 15)
            try:
                shown = await inspect(INSPECT_JS)
                res.problems += judge(page, e, shown, base)
                imgs = sum(1 for i in shown['images'] if i['ok'])
                res.stats = dict(chars=len(norm(shown['text'])), formulas=shown['mjx'], images=imgs)
                res.info = (f"{len(norm(shown['text'])):6d} chars, {shown['mjx']:4d} formulas, {imgs:2d} images"
                            + (f" (≥{e.images} expected)" if e.images else ''))
                if e.search:
                    try: await tab.goto(f'{url}?q={e.search}', wait_until='load', timeout=timeout * 1000)
                    except PlaywrightError: res.problems.append(f'search page did not load with ?q={e.search}')
                    else:
                        s = await inspect(SEARCH_JS)
                        if not s['results']:
                            res.problems.append(f'search for "{e.search}" found nothing: {short(s["summary"] or "no result")}')
                        res.info = f'search "{e.search}": {s["results"]} results'
                        res.stats['results'] = s['results']
            except (PlaywrightError, asyncio.TimeoutError) as ex:
                res.problems.append(f'could not inspect the page: {short(str(ex) or type(ex).__name__, 300)}')
    finally:
        await tab.close()
    res.problems += network_problems(rec.events, base)
    res.seconds = time.time() - t0
    return res


def check_pages(site: Path, pages: dict, chromium: str, jobs: int = 2, timeout: float = 30,
                log=None) -> list[PageResult]:
    """Serve `site`, open each of `pages` ({path: Expect}) in headless Chromium (the browser at `chromium`, driven
    by Playwright), `jobs` tabs at a time. Every request that would leave loopback is aborted (and reported)."""
    import asyncio
    from playwright.async_api import async_playwright

    async def run(base):
        async with async_playwright() as pw:
            browser = await pw.chromium.launch(executable_path=chromium, args=BROWSER_ARGS, timeout=timeout * 1000)
            try:
                if log: log(f'check_site: Chromium {browser.version} (Playwright), {len(pages)} pages from {base}')
                context = await browser.new_context(viewport={'width': 1280, 'height': 1024}, service_workers='block')
                await context.route(lambda url: not is_loopback(url), lambda route: route.abort('internetdisconnected'))
                limit, results = asyncio.Semaphore(max(1, jobs)), {}

                async def one(p):
                    async with limit:
                        try: r = await check_page(context, base, p, pages[p], timeout=timeout)
                        except Exception as ex:
                            r = PageResult(p, pages[p].src, [f'could not check the page: {short(ex, 300)}'])
                        results[p] = r
                        if log: log(f"  {'ok  ' if not r.problems else 'FAIL'} {p} ({r.seconds:.1f}s)")

                await asyncio.gather(*(one(p) for p in pages))
                await context.close()
                return [results[p] for p in pages]
            finally:
                await browser.close()

    with Server(site) as base:
        return asyncio.run(run(base))


def report(results: list[PageResult], problems: list = ()) -> str:
    w = max([len(r.page) for r in results] + [4])
    ws = max([len(r.src) + 2 for r in results if r.src] + [0])
    lines = []
    for r in results:
        status = 'ok  ' if not r.problems else 'FAIL'
        src = f'({r.src})' if r.src else ''
        lines.append(f'{status} {r.page:<{w}} {src:<{ws}} {r.seconds:5.1f}s  {r.info}')
        lines += [f'       - {p}' for p in r.problems]
    lines += [f'FAIL {p}' for p in problems]
    bad = sum(1 for r in results if r.problems) + len(problems)
    lines.append(f'check_site: {len(results)} pages, ' + (f'{bad} failed' if bad else 'all passed'))
    return '\n'.join(lines)


def find_chromium(given: str | None = None) -> str | None:
    for c in ([given] if given else [os.environ.get('CHROMIUM'), '/usr/bin/chromium', 'chromium',
                                     'chromium-browser', 'google-chrome']):
        if c and (p := shutil.which(c)): return p
    return None


def main(argv=None) -> int:
    p = argparse.ArgumentParser(prog='python tools/check_site.py', description=__doc__.split('\n\n')[0])
    p.add_argument('--root', type=Path, default=docs.ROOT, help='the nbdev project (default: this repo)')
    p.add_argument('--site', type=Path, help="the built site (default: the project's doc_path, _docs)")
    p.add_argument('--chromium', help='the browser (default: $CHROMIUM or /usr/bin/chromium)')
    p.add_argument('--jobs', type=int, default=2, help='pages open at the same time (default 2)')
    p.add_argument('--timeout', type=float, default=30, help='seconds for one browser command (default 30)')
    p.add_argument('pages', nargs='*', help='check only these pages (paths relative to the site)')
    a = p.parse_args(argv)
    t0 = time.time()
    root = a.root.resolve()
    cfg = load_config(root)
    site = (a.site or cfg.config_path/cfg.get('doc_path', '_docs')).resolve()
    if not (site/'index.html').exists():
        print(f'check_site: no {site}/index.html: build the docs first (python tools/docs.py)', file=sys.stderr)
        return 2
    exe = find_chromium(a.chromium)
    if not exe:
        print('check_site: no Chromium (apt-get install chromium, or pass --chromium)', file=sys.stderr)
        return 2
    if not have_playwright():
        print('check_site: no Playwright for Python (pip install playwright; it drives this Chromium, '
              'no `playwright install` needed)', file=sys.stderr)
        return 2
    pages, problems = site_expectations(root, site)
    if a.pages:
        unknown = [q for q in a.pages if q not in pages]
        if unknown: print(f'check_site: not pages of {site}: {", ".join(unknown)}', file=sys.stderr); return 2
        pages, problems = {q: pages[q] for q in a.pages}, []
    log = lambda s: print(s, file=sys.stderr, flush=True)
    try: results = check_pages(site, pages, exe, jobs=a.jobs, timeout=a.timeout, log=log)
    except Exception as e:                                   # Chromium did not start, or died
        print(f'check_site: {type(e).__name__}: {e}', file=sys.stderr)
        return 2
    print(report(results, problems))
    print(f'check_site: {time.time() - t0:.1f}s', file=sys.stderr)
    return 1 if problems or any(r.problems for r in results) else 0


if __name__ == '__main__':
    sys.exit(main())
