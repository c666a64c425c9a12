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
  is fine, a directive line is not), and no line of a hidden cell (`#| hide`, `#| export`, `#| exporti`,
  `#| default_exp`, `#| include: false`, `#| hide_line`) of the source notebook in `nbs/` is on the page,
  unless the same line is also visible content of the notebook (lines of 8 characters or more, looked for in
  the page's code blocks);
- `search.html` finds a page title.

Pages are matched to notebooks with tools/docs.py's own functions (nbdev's list of notebooks, nbdev's html
names). Chromium is driven over the DevTools protocol on a pipe (`--remote-debugging-pipe`): no Python
dependency beyond the standard library and tools/docs.py.

    python tools/check_site.py [--root .] [--site _docs] [--chromium /usr/bin/chromium] [--jobs 2]

Exit status: 0 if every page passes, 1 if a page fails (with a per-page report), 2 if the check can't run.
"""
from __future__ import annotations

import argparse, collections, fcntl, functools, http.server, json, os, queue, re, shutil, signal, subprocess
import sys, tempfile, threading, time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parent))
import docs                                                    # noqa: E402  (tools/docs.py)

CHROMIUM_FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
                  '--disable-component-update', '--no-first-run', '--disable-sync',
                  '--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1',
                  # IP literals need no resolver: send everything but loopback (which Chromium never proxies)
                  # to a proxy that refuses connections, so such requests fail at once
                  '--proxy-server=http://127.0.0.1:9',
                  '--disable-dev-shm-usage', '--mute-audio', '--hide-scrollbars', '--window-size=1280,1024']
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
        if is_hidden(d):
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
# Chromium over the DevTools protocol, on a pipe

class Chromium:
    """Headless Chromium with a fresh profile, driven over `--remote-debugging-pipe` (messages are JSON, each
    ended by a NUL byte; Chromium reads commands on fd 3 and writes replies and events on fd 4)."""

    def __init__(self, exe: str, timeout: float = 30):
        self.timeout = timeout
        self.profile = tempfile.mkdtemp(prefix='check_site-chromium-')
        to_r, to_w = os.pipe()
        from_r, from_w = os.pipe()
        a, b = (fcntl.fcntl(fd, fcntl.F_DUPFD_CLOEXEC, 10) for fd in (to_r, from_w))
        os.close(to_r), os.close(from_w)
        args = [exe, *CHROMIUM_FLAGS, f'--user-data-dir={self.profile}', '--remote-debugging-pipe', 'about:blank']
        self.log = open(Path(self.profile)/'chromium.log', 'w+b')
        # bash moves the pipe ends to fds 3 and 4 (Popen can't), then becomes Chromium
        self.proc = subprocess.Popen(['/bin/bash', '-c', f'exec "$@" 3<&{a} 4>&{b} {a}<&- {b}>&-', 'bash', *args],
                                     pass_fds=(a, b), stdin=subprocess.DEVNULL, stdout=self.log, stderr=self.log,
                                     start_new_session=True)
        os.close(a), os.close(b)
        self._w = os.fdopen(to_w, 'wb', buffering=0)
        self._r = os.fdopen(from_r, 'rb', buffering=0)
        self._lock, self._id, self._pending = threading.Lock(), 0, {}
        self._listeners = {}                       # sessionId -> callable(event)
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()
        try: self.version = self.send('Browser.getVersion')['product']
        except Exception:
            self.close()
            raise RuntimeError(f'{exe} did not start:\n{self.output()}')

    def output(self) -> str:
        try:
            self.log.flush(); self.log.seek(0)
            return self.log.read().decode(errors='replace')[-3000:]
        except ValueError: return ''

    def _read(self):
        buf = b''
        while True:
            try: chunk = self._r.read(1 << 16)
            except OSError: chunk = b''
            if not chunk: break
            buf += chunk
            *msgs, buf = buf.split(b'\0')
            for raw in msgs:
                msg = json.loads(raw)
                if 'id' in msg:
                    box = self._pending.pop(msg['id'], None)
                    if box: box.put(msg)
                elif (f := self._listeners.get(msg.get('sessionId'))): f(msg)
        for box in list(self._pending.values()): box.put({'error': {'message': 'Chromium closed the pipe'}})

    def send(self, method, params=None, session=None, timeout=None):
        box = queue.Queue()
        with self._lock:
            self._id += 1
            msg = {'id': self._id, 'method': method, 'params': params or {}}
            if session: msg['sessionId'] = session
            self._pending[self._id] = box
            try: self._w.write(json.dumps(msg).encode() + b'\0')
            except OSError as e: raise RuntimeError(f'{method}: Chromium is gone ({e})')
        try: reply = box.get(timeout=timeout or self.timeout)
        except queue.Empty: raise TimeoutError(f'{method}: no reply from Chromium in {timeout or self.timeout}s')
        if 'error' in reply: raise RuntimeError(f"{method}: {reply['error'].get('message')}")
        return reply['result']

    def tab(self) -> 'Tab': return Tab(self)

    def close(self):
        if self.proc.poll() is None:
            try: self.send('Browser.close', timeout=5)
            except Exception: pass
            try: self.proc.wait(5)
            except subprocess.TimeoutExpired:
                try: os.killpg(self.proc.pid, signal.SIGKILL)        # its own session: Chromium's children
                except ProcessLookupError: pass
                self.proc.wait(5)
        for f in (self._w, self._r): f.close()
        self.log.close()
        shutil.rmtree(self.profile, ignore_errors=True)

    def __enter__(self): return self
    def __exit__(self, *a): self.close()


class Tab:
    "One page target of the browser, with the events of its current page collected."
    def __init__(self, browser: Chromium):
        self.b = browser
        self.target = browser.send('Target.createTarget', {'url': 'about:blank'})['targetId']
        self.session = browser.send('Target.attachToTarget', {'targetId': self.target, 'flatten': True})['sessionId']
        self.events, self.loaded = [], threading.Event()
        browser._listeners[self.session] = self._on_event
        for m in ('Page.enable', 'Network.enable', 'Runtime.enable', 'Log.enable'): self.send(m)

    def _on_event(self, msg):
        if msg['method'] == 'Page.loadEventFired': self.loaded.set()
        self.events.append(msg)

    def send(self, method, params=None, timeout=None): return self.b.send(method, params, self.session, timeout)

    def open(self, url, timeout=None) -> str | None:
        "Load `url` and wait for its load event; returns an error text if it could not."
        self.events.clear(); self.loaded.clear()
        res = self.send('Page.navigate', {'url': url})
        if res.get('errorText'): return res['errorText']
        if not self.loaded.wait(timeout or self.b.timeout): return f'no load event in {timeout or self.b.timeout}s'
        return None

    def evaluate(self, expression, timeout=None):
        res = self.send('Runtime.evaluate', {'expression': expression, 'awaitPromise': True, 'returnByValue': True},
                        timeout=timeout)
        if 'exceptionDetails' in res:
            d = res['exceptionDetails']
            raise RuntimeError(d.get('exception', {}).get('description') or d.get('text'))
        return res['result'].get('value')

    def close(self):
        self.b._listeners.pop(self.session, None)
        try: self.b.send('Target.closeTarget', {'targetId': self.target}, timeout=5)
        except Exception: pass


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
    "Requests that left loopback, files of the site that failed to load, JavaScript errors."
    problems, urls = [], {}
    outside, failed = [], []
    for ev in events:
        m, p = ev['method'], ev.get('params', {})
        if m == 'Network.requestWillBeSent':
            url = p['request']['url']
            urls[p['requestId']] = url
            u = urlsplit(url)
            if u.scheme in ('data', 'blob', 'about', 'chrome', 'chrome-extension', 'devtools'): continue
            if u.scheme not in ('http', 'https', 'ws', 'wss') or (u.hostname or '') not in LOOPBACK:
                if url not in outside: outside.append(url)
        elif m == 'Network.responseReceived':
            r = p['response']
            if r.get('status', 200) >= 400 and not r['url'].endswith('/favicon.ico'):
                failed.append(f"{r['url'].replace(base, '')} (HTTP {r['status']})")
        elif m == 'Network.loadingFailed':
            url = urls.get(p['requestId'], '?')
            if urlsplit(url).hostname in LOOPBACK and not p.get('canceled') and not url.endswith('/favicon.ico'):
                failed.append(f"{url.replace(base, '')} ({p.get('errorText')})")
        elif m == 'Runtime.exceptionThrown':
            d = p['exceptionDetails']
            msg = d.get('exception', {}).get('description') or d.get('text')
            problems.append(f'JavaScript error: {short(msg, 160)}')
        elif m == 'Runtime.consoleAPICalled' and p.get('type') == 'error':
            args = ' '.join(str(a.get('value', a.get('description', ''))) for a in p.get('args', []))
            problems.append(f'console error: {short(args, 160)}')
    problems += [f'request to a non-loopback host: {short(u, 120)}' for u in outside[:5]]
    if len(outside) > 5: problems.append(f'... and {len(outside) - 5} more non-loopback requests')
    problems += [f'failed to load {short(f, 120)}' for f in dict.fromkeys(failed)]
    return problems


def check_page(tab: Tab, base: str, page: str, e: Expect, budget: float = 15) -> PageResult:
    t0 = time.time()
    res = PageResult(page, e.src)
    url = base + page
    err = tab.open(url)
    if err:
        res.problems.append(f'did not load: {err}')
    else:
        doc = next((ev['params']['response'] for ev in tab.events if ev['method'] == 'Network.responseReceived'
                    and ev['params'].get('type') == 'Document'), None)
        if doc and doc.get('status') != 200: res.problems.append(f"HTTP {doc.get('status')} for the page")
        events = tab.events
        try:
            shown = tab.evaluate(f'({INSPECT_JS})({int(budget * 1000)})', timeout=budget + 15)
            res.problems += judge(page, e, shown, base)
            imgs = sum(1 for i in shown['images'] if i['ok'])
            res.stats = dict(chars=len(norm(shown['text'])), formulas=shown['mjx'], images=imgs)
            res.info = (f"{len(norm(shown['text'])):6d} chars, {shown['mjx']:4d} formulas, {imgs:2d} images"
                        + (f" (≥{e.images} expected)" if e.images else ''))
            if e.search:
                events = list(tab.events)
                if tab.open(f'{url}?q={e.search}'): res.problems.append(f'search page did not load with ?q={e.search}')
                else:
                    s = tab.evaluate(f'({SEARCH_JS})({int(budget * 1000)})', timeout=budget + 15)
                    if not s['results']:
                        res.problems.append(f'search for "{e.search}" found nothing: {short(s["summary"] or "no result")}')
                    res.info = f'search "{e.search}": {s["results"]} results'
                    res.stats['results'] = s['results']
        except Exception as ex:
            res.problems.append(f'could not inspect the page: {short(ex, 300)}')
        res.problems += network_problems(events + tab.events if events is not tab.events else events, base)
    res.seconds = time.time() - t0
    return res


def check_pages(site: Path, pages: dict, chromium: str, jobs: int = 2, timeout: float = 30,
                log=None) -> list[PageResult]:
    "Serve `site`, open each of `pages` ({path: Expect}) in Chromium, `jobs` tabs at a time."
    results = {}
    with Server(site) as base, Chromium(chromium, timeout=timeout) as browser:
        if log: log(f'check_site: {browser.version}, {len(pages)} pages from {base}')
        work = queue.Queue()
        for p in pages: work.put(p)

        def worker():
            tab = browser.tab()
            try:
                while True:
                    try: page = work.get_nowait()
                    except queue.Empty: return
                    try: r = check_page(tab, base, page, pages[page])
                    except Exception as ex:
                        r = PageResult(page, pages[page].src, [f'could not check the page: {short(ex, 300)}'])
                        tab.close()
                        tab = browser.tab()
                    results[page] = r
                    if log: log(f"  {'ok  ' if not r.problems else 'FAIL'} {page} ({r.seconds:.1f}s)")
            finally: tab.close()

        with ThreadPoolExecutor(max(1, jobs)) as ex:
            for f in [ex.submit(worker) for _ in range(max(1, min(jobs, len(pages))))]: f.result()
    return [results[p] for p in pages]


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
