#!/usr/bin/env python
"""Build the docs site and the README offline, without Quarto.

`nbdev_docs`, `nbdev_preview` and `nbdev_readme` need Quarto, which cannot be installed here. This module
keeps nbdev's own notebook processing and swaps the renderer:

1. `nbdev.serve.proc_nbs` processes `nbs/` into `_proc/` exactly as `nbdev_docs` does: hidden and export cells
   dropped, `show_doc` cells executed (offline, in worker processes whose working directory is `nbs/`),
   front matter collected into a raw YAML cell, backticked names linked to the doc host.
2. `convert_notebook` turns each of those Quarto-flavoured notebooks into one that myst-nb renders: the front
   matter becomes the page title and description, `#| output: asis` cells become markdown cells, pandoc
   attributes and fenced divs become MyST (or disappear), links to the doc host become links between pages,
   `#|` lines become cell tags.
3. Sphinx (theme furo, MathJax 3 shipped by `sphinx-mathjax-offline`) builds `_build/html`, which is copied to
   `_docs/`. Pages keep nbdev's URLs: `nbs/00_capa.ipynb` is `capa.html`, as on the Quarto site.

`readme_markdown` turns the processed `nbs/index.ipynb` into `README.md`.

    python tools/docs.py [--strict] [--force]   # build _docs/ and print the path of _docs/index.html
    python tools/docs.py readme [--check]       # write README.md (--check: fail if it would change)
"""
from __future__ import annotations

import argparse, contextlib, json, os, posixpath, re, shutil, sys, tempfile, textwrap, time
from dataclasses import dataclass, field
from pathlib import Path

import yaml

TOOLS = Path(__file__).resolve().parent
CONF_DIR = TOOLS/'sphinx'
ROOT = TOOLS.parent

# ---------------------------------------------------------------------------------------------------------------
# Pages: which notebooks, in which order, under which names

def docname_for(src: str) -> str:
    "Page name of the notebook `src` (posix, relative to nbs): nbdev's html name without `.html`, e.g. `capa`."
    d, name = posixpath.split(src)
    name = re.sub(r'^\d+[a-zA-Z0-9]*_', '', name.lower())   # nbdev.doclinks._nbpath2html
    return posixpath.join(d, posixpath.splitext(name)[0])


def page_order(src: str):
    "Sort key of nbdev's sidebar: folder by folder (top level first), `index` first, then by file name."
    d, name = posixpath.split(src)
    return (tuple(d.split('/')) if d else (), '00' if name.startswith('index.') else name)


def section_title(folder: str) -> str:
    "Sidebar caption for a folder of notebooks, as nbdev names sections: `01_tutorials` -> `Tutorials`."
    name = re.sub(r'^\d+_', '', folder)
    return name[:1].upper() + name[1:]


def pandoc_slug(title: str) -> str:
    """Heading anchor as pandoc (so Quarto and nbdev's doc links) makes it: `Capa.forward` -> `capa.forward`,
    `A first capa` -> `a-first-capa`. The site's MyST uses it to resolve `page.html#anchor` links."""
    s = re.sub(r'[^\w\s.-]', '', title.strip().lower())
    s = re.sub(r'^[\W\d_]+', '', re.sub(r'\s+', '-', s))
    return s or 'section'


@dataclass
class Links:
    "Where links point: the pages of the doc host and the anchors each page has."
    doc_url: str                                   # e.g. 'https://capa-nb.github.io/capa_nb/'
    pages: dict = field(default_factory=dict)      # 'capa.html' and '00_capa.ipynb' (rel. to nbs) -> 'capa'
    anchors: dict = field(default_factory=dict)    # 'capa' -> {'capa.forward', 'a-first-capa', ...}, if known
    missing: list = field(default_factory=list)    # (link, page it was on) whose anchor does not exist

    @classmethod
    def for_sources(cls, doc_url, sources):
        pages = {}
        for src in sources:
            dn = docname_for(src)
            pages[src] = pages[dn + '.html'] = dn
        return cls(doc_url=doc_url.rstrip('/') + '/', pages=pages)

    def _page(self, url, here):
        "(docname, anchor) when `url` points to one of our pages, else None."
        path, _, anchor = url.partition('#')
        for prefix in {self.doc_url, self.doc_url.replace('https://', 'http://')}:
            if path.startswith(prefix) or path + '/' == prefix:
                path = path[len(prefix):]
                break
        else:
            if not path or re.match(r'^[a-zA-Z][\w+.-]*:', path) or path.startswith('/'): return None
            path = posixpath.normpath(posixpath.join(posixpath.dirname(here), path))
        if path in ('', '.') or path.endswith('/'): path += 'index.html'
        dn = self.pages.get(path)
        return None if dn is None else (dn, anchor)

    def site_target(self, url, here):
        "`url` as a MyST link target inside the Sphinx site, or None to leave it alone."
        hit = self._page(url, here)
        if hit is None: return None
        dn, anchor = hit                       # MyST resolves `/page.ipynb#anchor` by heading slug or label
        if anchor and dn in self.anchors and anchor not in self.anchors[dn]:
            # e.g. nbdev links every backticked name of the module index, private ones without a show_doc too:
            # on the Quarto site such a link opens the page, so it does here
            self.missing.append((f'{dn}.html#{anchor}', here))
            anchor = ''
        return f'/{dn}.ipynb' + ('#' + anchor if anchor else '')

    def readme_target(self, url, here, nbs_dir='nbs'):
        "`url` for README.md: our pages as absolute doc-host URLs, other relative paths via `nbs_dir`."
        hit = self._page(url, here)
        if hit is not None:
            dn, anchor = hit
            return f'{self.doc_url}{dn}.html' + ('#' + anchor if anchor else '')
        if url.startswith('#') or re.match(r'^[a-zA-Z][\w+.-]*:', url) or url.startswith('/'): return None
        return posixpath.normpath(posixpath.join(nbs_dir, posixpath.dirname(here), url))


# ---------------------------------------------------------------------------------------------------------------
# Notebook cells

def text(x) -> str:
    "A notebook string field (a string or a list of lines) as one string."
    return ''.join(x) if isinstance(x, list) else (x or '')


_fm_re = re.compile(r'^\s*---[ \t]*\n(.*?\n)?---[ \t]*\s*$', re.DOTALL)

def front_matter(cell) -> dict | None:
    "The YAML front matter of a raw cell `---\\n...\\n---`, or None when the cell is not front matter."
    if cell.get('cell_type') != 'raw': return None
    m = _fm_re.match(text(cell.get('source')))
    if not m: return None
    try: d = yaml.safe_load(m.group(1) or '') or {}
    except yaml.YAMLError: return None
    return d if isinstance(d, dict) else None


_dir_re = re.compile(r'^\s*#\|\s?(.*)$')

def split_directives(source: str) -> tuple[dict, str]:
    "Leading `#|` lines of a code cell as a dict (`#| echo: false` -> {'echo': False}), and the remaining code."
    lines, d = source.splitlines(), {}
    i = 0
    while i < len(lines) and _dir_re.match(lines[i]):
        body = _dir_re.match(lines[i]).group(1).strip()
        k, sep, v = body.partition(':')
        k = k.strip()
        if not sep: k, _, v = body.partition(' ')       # nbdev style: `#| hide`, `#| export module`
        try: val = yaml.safe_load(v) if v.strip() else None
        except yaml.YAMLError: val = v.strip()
        if k: d[k.strip()] = val
        i += 1
    return d, '\n'.join(lines[i:]).strip('\n')


def is_false(v) -> bool: return v is False or (isinstance(v, str) and v.strip().lower() == 'false')


# ---------------------------------------------------------------------------------------------------------------
# Pandoc / Quarto markdown -> MyST (or GitHub) markdown

_attr_tok = r'(?:#[\w:.-]+|\.[\w:.-]+|[\w:.-]+=(?:"[^"]*"|\'[^\']*\'|[^\s"\'{}]+))'
_attrs_re = re.compile(rf'^\s*{_attr_tok}(?:\s+{_attr_tok})*\s*$')

def parse_attrs(s: str) -> dict | None:
    "Pandoc attributes `#id .cls key=val` as {'id':..., 'classes':[...], **kv}; None if `s` isn't attributes."
    if not _attrs_re.match(s): return None
    res = {'id': None, 'classes': []}
    for tok in re.findall(_attr_tok, s):
        if tok[0] == '#': res['id'] = tok[1:]
        elif tok[0] == '.': res['classes'].append(tok[1:])
        else:
            k, v = tok.split('=', 1)
            res[k] = v[1:-1] if v[:1] in '"\'' and len(v) > 1 else v
    return res


_inline_re = re.compile(r'''
    (?P<esc>\\.)
  | (?P<code>(?P<ticks>`+).+?(?<!`)(?P=ticks)(?!`))
  | (?P<math>\$\$.+?\$\$|\$(?=[^\s$])[^$\n]*?(?<=[^\s\\])\$(?!\d))
  | (?P<link>(?P<bang>!?)\[(?P<text>(?:[^\[\]\n]|\n(?!\n)|\[[^\[\]\n]*\])*)\]
        \((?P<url><[^>\n]*>|[^()\s]*(?:\([^()\s]*\)[^()\s]*)*)(?P<title>\s+"[^"\n]*")?\)
        (?:\{(?P<attrs>[^{}\n]*)\})?)
''', re.VERBOSE | re.DOTALL)


def convert_inline(s: str, target, readme=False) -> str:
    """Rewrite links in markdown text `s` (code spans and math are left alone).

    `target(url)` gives the new URL or None to keep it. Pandoc attributes after a link or image are dropped,
    except (for the site) classes and, on images, width/height, which MyST's `attrs_inline` understands."""
    def sub(m):
        if not m.group('link'): return m.group(0)
        url = m.group('url')
        new = target(url.strip('<>')) if url else None
        attrs, keep = m.group('attrs'), ''
        if attrs is not None:
            a = parse_attrs(attrs)
            if a is None: keep = '{' + attrs + '}'                  # not attributes: text that follows a link
            elif not readme:
                toks = ['.' + c for c in a['classes']]
                if m.group('bang'): toks += [f'{k}="{a[k]}"' for k in ('width', 'height') if k in a]
                keep = '{' + ' '.join(toks) + '}' if toks else ''
        return f"{m.group('bang')}[{m.group('text')}]({new or url}{m.group('title') or ''}){keep}"
    return _inline_re.sub(sub, s)


_fence_re = re.compile(r'^ {0,3}(`{3,}|~{3,})')
_div_open_re = re.compile(r'^(:{3,})\s*(?:\{([^{}]*)\}|([\w-]+))\s*$')
_div_close_re = re.compile(r'^(:{3,})\s*$')
_head_attrs_re = re.compile(r'^(#{1,6}[ \t]+.*?)[ \t]+\{([^{}]*)\}[ \t]*$')
_heading_re = re.compile(r'^#{1,6}[ \t]+(.*?)[ \t#]*$')
CALLOUTS = ('note', 'tip', 'warning', 'important', 'caution')     # Quarto's callout kinds, all MyST admonitions


def convert_markdown(md: str, target, readme=False) -> str:
    """Quarto-flavoured markdown -> MyST (`readme=False`) or GitHub markdown (`readme=True`).

    - `## Head {#id .cls}`: attributes dropped; an `#id` other than the heading's own slug becomes a MyST
      target `(id)=` for the site.
    - `::: {.callout-note}` ... `:::`: a MyST admonition (a GitHub alert in the README); other pandoc divs
      lose their fences and keep their content. MyST's own `:::{note}` fences are left as they are.
    - links: see `convert_inline`. Fenced code blocks are copied untouched."""
    out, chunk = [], []          # `chunk`: pending non-code lines, converted inline when flushed
    stack = []                   # open divs: dict(kind='callout'|'drop'|'myst', line=<index in out>, height=0)
    fence = None                 # the open code fence, if any
    title_for = None             # a callout waiting for its first line (a heading there is its title)

    def prefix(): return ''.join('> ' for d in stack if d['kind'] == 'callout') if readme else ''
    def flush():
        if chunk:
            out.extend(convert_inline('\n'.join(chunk), target, readme).split('\n'))
            chunk.clear()
    def emit(line, raw=False):
        (out.append if raw else chunk.append)(prefix() + line)

    def close_div(d):
        nonlocal title_for
        flush()
        if title_for is d: title_for = None
        if d['kind'] == 'callout' and not readme:
            colons = ':' * (3 + d['height'])
            out[d['line']] = colons + out[d['line']].lstrip(':')
            out.append(colons)
        elif d['kind'] == 'myst': out.append(d['fence'])
        if stack:                        # an outer MyST fence needs more colons than the ones inside it
            stack[-1]['height'] = max(stack[-1]['height'], d['height'] + (d['kind'] != 'drop'))

    for line in md.split('\n'):
        if fence:
            emit(line, raw=True)
            if re.match(rf'^ {{0,3}}{re.escape(fence[0])}{{{len(fence)},}}\s*$', line): fence = None
            continue
        if title_for is not None and line.strip():
            d, title_for = title_for, None
            h = _heading_re.match(line)
            if h:                          # Quarto: a callout's first heading is its title
                flush()
                title = h.group(1)
                if readme: out.append(prefix() + f'**{title}**')
                else: out[d['line']] = f":::{{admonition}} {title}\n:class: {d['callout']}"
                continue
        m = _fence_re.match(line)
        if m:
            flush(); fence = m.group(1); emit(line, raw=True); continue
        m = _div_open_re.match(line)
        if m:
            attrs = parse_attrs(m.group(2)) if m.group(2) is not None else {'id': None, 'classes': [m.group(3)]}
            if attrs is None:                                 # MyST colon fence such as :::{note}
                flush(); emit(line, raw=True)
                stack.append(dict(kind='myst', line=len(out) - 1, height=0, fence=m.group(1)))
                continue
            kind = next((c[8:] for c in attrs['classes']
                         if c.startswith('callout-') and c[8:] in CALLOUTS), None)
            flush()
            if kind is None: stack.append(dict(kind='drop', height=0)); continue
            title = attrs.get('title')
            if readme: out.append(prefix() + f'> [!{kind.upper()}]')
            elif title: out.append(f':::{{admonition}} {title}\n:class: {kind}')
            else: out.append(f':::{{{kind}}}')
            d = dict(kind='callout', line=len(out) - 1, height=0, callout=kind)
            stack.append(d)
            if readme and title: out.append(prefix() + f'**{title}**')
            if not title: title_for = d
            continue
        if _div_close_re.match(line) and stack:
            close_div(stack.pop()); continue
        m = _head_attrs_re.match(line)
        if m and parse_attrs(m.group(2)) is not None:
            a = parse_attrs(m.group(2))
            line = m.group(1)
            if a['id'] and not readme and a['id'] != pandoc_slug(_heading_re.match(line).group(1)):
                emit(f"({a['id']})=")
        emit(line)
    flush()
    while stack: close_div(stack.pop())
    return '\n'.join(out)


# ---------------------------------------------------------------------------------------------------------------
# show_doc output -> a markdown section

_source_re = re.compile(r'^\[source\]\(([^()\s]+)\)(?:\{[^{}]*\})?\s*$')
_sig_re = re.compile(r'^> {5}')            # old fastcore: `>      Name (args)` (blockquote + indented code)

def convert_show_doc(md: str) -> str:
    """Markdown of a `show_doc` output for MyST: the `---` rule goes, the `[source](...)` link moves below
    the heading (right-aligned by the site's CSS) and an old-style `>      sig` block becomes a fenced
    python block. The heading `### Capa.forward` is the anchor `capa.forward` (see `pandoc_slug`)."""
    lines = md.strip('\n').split('\n')
    while lines and lines[0].strip() in ('', '---', '***', '___'): lines.pop(0)
    src = next((i for i, l in enumerate(lines) if _source_re.match(l)), None)
    src_url = None
    if src is not None:
        src_url = _source_re.match(lines.pop(src)).group(1)
    out, i, headed = [], 0, False
    while i < len(lines):
        l = lines[i]
        if not headed and _heading_re.match(l):
            headed = True
            while out and not out[-1].strip(): out.pop()
            out.append(l)
            if src_url: out += ['', f'[source]({src_url}){{.nbdev-source}}']
        elif _sig_re.match(l):
            sig = []
            while i < len(lines) and _sig_re.match(lines[i]):
                sig.append(lines[i][1:]); i += 1
            out += ['```python', *textwrap.dedent('\n'.join(sig)).split('\n'), '```']
            continue
        else: out.append(l)
        i += 1
    if not headed and src_url: out += ['', f'[source]({src_url}){{.nbdev-source}}']
    return '\n'.join(out).strip('\n')


def asis_markdown(cell) -> str | None:
    "Markdown shown by a `#| output: asis` cell (its text/markdown and stream outputs), None if it has other."
    parts = []
    for o in cell.get('outputs', []):
        if o.get('output_type') == 'stream': parts.append(text(o.get('text')))
        elif 'text/markdown' in o.get('data', {}): parts.append(text(o['data']['text/markdown']))
        elif o.get('data') and set(o['data']) - {'text/plain'}: return None
        elif o.get('output_type') == 'error': return None
        elif 'text/plain' in o.get('data', {}): parts.append(text(o['data']['text/plain']))
    return '\n\n'.join(p.strip('\n') for p in parts if p.strip())


_target_re = re.compile(r'^\(([^()\s]+)\)=\s*$')

def heading_text(h: str) -> str:
    "The text MyST slugs for a heading: links as their text, without math, emphasis or backticks."
    h = re.sub(r'!?\[([^\]]*)\]\([^)]*\)(\{[^{}]*\})?', r'\1', h)
    return re.sub(r'\$[^$]*\$|[`*]', '', h)


def markdown_anchors(md: str) -> set:
    "Anchors that markdown `md` defines: heading slugs (`pandoc_slug`), `{#id}` and MyST `(label)=` targets."
    res, fence = set(), None
    for line in md.split('\n'):
        m = _fence_re.match(line)
        if fence:
            if m and m.group(1)[0] == fence[0] and len(m.group(1)) >= len(fence): fence = None
            continue
        if m: fence = m.group(1); continue
        if (t := _target_re.match(line)): res.add(t.group(1)); continue
        if not (h := _heading_re.match(line)): continue
        title = h.group(1)
        if (a := _head_attrs_re.match(line)) and (attrs := parse_attrs(a.group(2))) is not None:
            title = _heading_re.match(a.group(1)).group(1)
            if attrs['id']: res.add(attrs['id'])
        res.add(pandoc_slug(heading_text(title)))
    return res


def page_anchors(nb) -> set:
    "Anchors the page of processed notebook `nb` will have (its title, headings, show_doc names, targets)."
    res = set()
    for c in nb.get('cells', []):
        if (fm := front_matter(c)) and fm.get('title'): res.add(pandoc_slug(str(fm['title'])))
        elif c.get('cell_type') == 'markdown': res |= markdown_anchors(text(c.get('source')))
        elif c.get('cell_type') == 'code' and split_directives(text(c.get('source')))[0].get('output') == 'asis':
            res |= markdown_anchors(asis_markdown(c) or '')
    return res


# ---------------------------------------------------------------------------------------------------------------
# One processed notebook -> one myst-nb notebook

WARNING_CELL = re.compile(r'^\s*<!-- WARNING: THIS FILE WAS AUTOGENERATED! DO NOT EDIT! -->\s*$')

def _md_cell(src, **meta): return {'cell_type': 'markdown', 'metadata': meta, 'source': src}


def convert_notebook(nb: dict, src: str, links: Links, toctree: str = '') -> dict:
    """The processed notebook `nb` (from `_proc/<src>`) as a notebook myst-nb renders; `toctree` (MyST) is
    appended, for the home page."""
    here, dn = src, docname_for(src)
    target = lambda url: links.site_target(url, here)
    cells, title = [], None
    for c in nb.get('cells', []):
        ct, source = c.get('cell_type'), text(c.get('source'))
        if ct == 'raw':
            fm = front_matter(c)
            if fm is None: cells.append({'cell_type': 'raw', 'metadata': c.get('metadata', {}), 'source': source})
            elif title is None:
                title = str(fm.get('title') or dn.rsplit('/', 1)[-1])
                head = f'# {title}'
                if fm.get('description'):
                    head += '\n\n{.nbdev-description}\n' + convert_markdown(str(fm['description']), target)
                cells.append(_md_cell(head))
            continue
        if ct == 'markdown':
            if WARNING_CELL.match(source) or not source.strip(): continue
            cells.append(_md_cell(convert_markdown(source, target), **_keep_meta(c)))
            continue
        if ct != 'code': continue
        d, code = split_directives(source)
        if is_false(d.get('include')): continue
        if d.get('output') == 'asis':
            md = asis_markdown(c)
            if md is not None:
                if not is_false(d.get('echo')) and code.strip():
                    cells.append(_code_cell(code, [], ['remove-output']))
                if md.strip():
                    if re.search(r'(^|\n)show_doc', code): md = convert_show_doc(md)
                    cells.append(_md_cell(convert_markdown(md, target)))
                continue
        tags = list(c.get('metadata', {}).get('tags', []))
        if is_false(d.get('echo')) or not code.strip(): tags.append('remove-input')
        if is_false(d.get('output')): tags.append('remove-output')
        if d.get('code-fold') is True: tags.append('hide-input')
        outputs = [_convert_output(o, target) for o in c.get('outputs', [])]
        if not code.strip() and not outputs: continue
        cells.append(_code_cell(code, outputs, tags))
    if title is None:
        cells.insert(0, _md_cell(f"# {dn.rsplit('/', 1)[-1]}"))
    if toctree: cells.append(_md_cell(toctree))
    meta = {k: nb.get('metadata', {}).get(k, v) for k, v in DEFAULT_META.items()}
    return {'cells': cells, 'metadata': meta, 'nbformat': 4, 'nbformat_minor': 4}


# jupytext-paired notebooks may carry no kernel metadata; myst-nb needs a language to highlight code
DEFAULT_META = {'kernelspec': {'display_name': 'Python 3', 'language': 'python', 'name': 'python3'},
                'language_info': {'name': 'python', 'pygments_lexer': 'ipython3'}}


def _keep_meta(c):
    return {k: v for k, v in c.get('metadata', {}).items() if k == 'tags'}


def _code_cell(code, outputs, tags):
    meta = {'tags': sorted(set(tags))} if tags else {}
    return {'cell_type': 'code', 'execution_count': None, 'metadata': meta, 'outputs': outputs, 'source': code}


def _convert_output(o, target):
    o = json.loads(json.dumps(o))                           # a copy
    o.pop('transient', None)
    if 'text/markdown' in o.get('data', {}):
        o['data']['text/markdown'] = convert_markdown(text(o['data']['text/markdown']), target)
    if o.get('output_type') == 'execute_result': o.setdefault('execution_count', None)
    return o


def toctree_markdown(docnames: list[str]) -> str:
    "Hidden MyST toctrees for the home page: one for the top-level pages, one per folder with a caption."
    groups = {}
    for dn in docnames:
        if dn == 'index': continue
        groups.setdefault(dn.split('/')[0] if '/' in dn else '', []).append(dn)
    res = []
    for folder, dns in groups.items():
        opts = [':hidden:', ':maxdepth: 2'] + ([f':caption: {section_title(folder)}'] if folder else [])
        res.append('```{toctree}\n' + '\n'.join(opts) + '\n\n' + '\n'.join(dns) + '\n```')
    return '\n\n'.join(res)


# ---------------------------------------------------------------------------------------------------------------
# README

def _fenced(body: str, lang: str = '') -> str:
    ticks = '`' * max(3, 1 + max((len(m) for m in re.findall(r'`+', body)), default=0))
    return f'{ticks}{lang}\n{body.rstrip()}\n{ticks}'


def _output_markdown(o, target) -> str | None:
    "A README block for one output: text as a fenced block, markdown as is; images and widgets are skipped."
    t = o.get('output_type')
    if t == 'stream': return _fenced(text(o.get('text')))
    if t == 'error': return _fenced(f"{o.get('ename')}: {o.get('evalue')}")
    data = o.get('data', {})
    if 'text/markdown' in data: return convert_markdown(text(data['text/markdown']), target, readme=True)
    if any(k.startswith('image/') for k in data): return None
    if 'text/plain' in data: return _fenced(text(data['text/plain']))
    return None


def readme_markdown(nb: dict, links: Links, src: str = 'index.ipynb', nbs_dir: str = 'nbs') -> str:
    """README.md text from the processed readme notebook `nb`: `# title`, `> description`, markdown cells,
    code as ```python blocks, text outputs as fenced blocks; no Quarto syntax, links to the doc host."""
    target = lambda url: links.readme_target(url, src, nbs_dir)
    blocks = []
    for c in nb.get('cells', []):
        ct, source = c.get('cell_type'), text(c.get('source'))
        if ct == 'raw':
            fm = front_matter(c)
            if fm is not None and not blocks:
                if fm.get('title'): blocks.append(f"# {fm['title']}")
                blocks.append(f'<!-- WARNING: generated from {nbs_dir}/{src} by `python tools/docs.py readme`; '
                              'edit the notebook, not this file. -->')
                if fm.get('description'):
                    blocks.append('> ' + convert_markdown(str(fm['description']), target, readme=True))
            continue
        if ct == 'markdown':
            if not WARNING_CELL.match(source) and source.strip():
                blocks.append(convert_markdown(source, target, readme=True).strip('\n'))
            continue
        if ct != 'code': continue
        d, code = split_directives(source)
        if is_false(d.get('include')): continue
        if code.strip() and not is_false(d.get('echo')): blocks.append(_fenced(code, 'python'))
        if is_false(d.get('output')): continue
        for o in _merge_streams(c.get('outputs', [])):
            b = _output_markdown(o, target)
            if b and b.strip(): blocks.append(b.strip('\n'))
    return '\n\n'.join(b.rstrip() for b in blocks) + '\n'


def _merge_streams(outputs):
    res = []
    for o in outputs:
        if (o.get('output_type') == 'stream' and res and res[-1].get('output_type') == 'stream'
                and res[-1].get('name') == o.get('name')):
            res[-1] = {**res[-1], 'text': text(res[-1]['text']) + text(o['text'])}
        else: res.append(o)
    return res


# ---------------------------------------------------------------------------------------------------------------
# The pipeline

@contextlib.contextmanager
def working_dir(path):
    old = os.getcwd()
    os.chdir(path)
    try: yield
    finally: os.chdir(old)


def load_config(root: Path):
    "nbdev's config of the project at `root` (nbdev finds settings.ini from the working directory, so go there)."
    from nbdev.config import get_config
    with working_dir(root): return get_config()


def list_notebooks(cfg) -> list[str]:
    "The notebooks nbdev documents (as nbdev finds them), posix paths relative to nbs, in sidebar order."
    from nbdev.doclinks import nbglob
    with working_dir(cfg.config_path):
        files = nbglob(cfg.nbs_path, as_path=True)
    return sorted((Path(f).relative_to(cfg.nbs_path).as_posix() for f in files), key=page_order)


def doc_url(cfg) -> str:
    return cfg.doc_host.rstrip('/') + '/' + cfg.get('doc_baseurl', '').strip('/') + '/'


def process_notebooks(cfg, force=False) -> Path:
    """Run nbdev's processing (`proc_nbs`, what `nbdev_docs` runs before Quarto) into `_proc/`.
    The project root goes first on sys.path (worker processes inherit it), so `show_doc` documents this
    checkout's library; the working directory is the notebooks folder, as in `nbdev_test`."""
    from nbdev.serve import proc_nbs
    root = str(cfg.config_path)
    if root not in sys.path: sys.path.insert(0, root)
    with working_dir(cfg.nbs_path):
        return Path(proc_nbs(cfg.nbs_path, force=force))


def _write_if_changed(path: Path, content: str):
    "Write `content` unless the file already holds it (unchanged mtimes keep Sphinx's rebuilds incremental)."
    if path.exists() and path.read_text(encoding='utf-8') == content: return
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(content, encoding='utf-8')


def stage(cfg, proc: Path, srcdir: Path) -> list[str]:
    "Write the myst-nb notebooks and the notebooks' other files into `srcdir`; returns the page names."
    sources = list_notebooks(cfg)
    links = Links.for_sources(doc_url(cfg), sources)
    names = {}
    for s in sources:
        dn = docname_for(s)
        if dn in names: raise SystemExit(f'docs: {s} and {names[dn]} would both be the page {dn}.html')
        names[dn] = s
    docnames = [docname_for(s) for s in sources]
    nbs = {s: json.loads((proc/s).read_text(encoding='utf-8')) for s in sources}
    links.anchors = {docname_for(s): page_anchors(nb) for s, nb in nbs.items()}
    expected = set()
    for s in sources:
        dn = docname_for(s)
        toc = toctree_markdown(docnames) if dn == 'index' else ''
        out = convert_notebook(nbs[s], s, links, toctree=toc)
        _write_if_changed(srcdir/f'{dn}.ipynb', json.dumps(out, indent=1, sort_keys=True, ensure_ascii=False) + '\n')
        expected.add(f'{dn}.ipynb')
    if links.missing:
        miss = dict.fromkeys(links.missing)
        shown = ', '.join(f'{l} (in {s})' for l, s in miss)
        print(f'docs: {len(miss)} links to anchors that do not exist open their page instead: {shown}',
              file=sys.stderr)
    if 'index' not in names:
        title = cfg.get('title', cfg.lib_name)
        _write_if_changed(srcdir/'index.md', f'# {title}\n\n{cfg.get("description", "")}\n\n'
                          + toctree_markdown(docnames) + '\n')
        expected.add('index.md')
    for f in sorted(cfg.nbs_path.rglob('*')):          # images and other files the notebooks refer to
        rel = f.relative_to(cfg.nbs_path)
        if (not f.is_file() or any(p[0] in '._' for p in rel.parts)
                or f.suffix in ('.ipynb', '.md', '.qmd', '.rst', '.yml', '.yaml', '.py', '.css')): continue
        d = srcdir/rel
        expected.add(rel.as_posix())
        if not d.exists() or d.stat().st_mtime < f.stat().st_mtime or d.stat().st_size != f.stat().st_size:
            d.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(f, d)
    for f in sorted(srcdir.rglob('*'), reverse=True):    # pages and files that no longer exist
        if f.is_file() and f.relative_to(srcdir).as_posix() not in expected: f.unlink()
        elif f.is_dir() and not any(f.iterdir()): f.rmdir()
    return docnames


def sphinx_build(cfg, srcdir: Path, outdir: Path, doctrees: Path, strict=False, verbose=False) -> tuple[int, list]:
    "Run Sphinx with `tools/sphinx/conf.py`; returns (exit status, warning lines)."
    from sphinx.cmd.build import build_main
    warnfile = doctrees.parent/'sphinx-warnings.txt'
    doctrees.mkdir(parents=True, exist_ok=True)
    overrides = dict(project=cfg.get('title', cfg.lib_name), author=cfg.get('author', ''),
                     copyright=cfg.get('copyright', ''), release=cfg.get('version', ''),
                     html_title=cfg.get('title', cfg.lib_name))
    args = ['-b', 'html', '-c', str(CONF_DIR), '-d', str(doctrees), '-w', str(warnfile), '--color' if sys.stderr.isatty() else '--no-color']
    for k, v in overrides.items(): args += ['-D', f'{k}={v}']
    if strict: args += ['-W']
    if not verbose: args += ['-q']
    status = build_main(args + [str(srcdir), str(outdir)])
    warnings = warnfile.read_text(encoding='utf-8').splitlines() if warnfile.exists() else []
    return status, [w for w in warnings if w.strip()]


def build(root: Path = ROOT, strict=False, force=False, verbose=False) -> Path:
    "Process, convert, build with Sphinx, copy to the doc path; returns the path of index.html."
    t0 = time.time()
    cfg = load_config(root)
    build_dir = cfg.config_path/'_build'
    srcdir, htmldir, doctrees = build_dir/'docs_src', build_dir/'html', build_dir/'doctrees'
    print('docs: nbdev processing (proc_nbs) ...', flush=True)
    try: proc = process_notebooks(cfg, force=force)
    except Exception as e:
        cause = str(getattr(e.__cause__, 'tb', None) or repr(e.__cause__ or ''))   # the worker's traceback
        hint = ('\ndocs: to render show_doc, nbdev runs only the cells that import, export or call show_doc (in '
                "order, in one shell), so such a cell can't use names defined in other cells (nbdev FAQ: keep "
                'imports in cells of their own)') if 'NameError' in cause else ''
        raise SystemExit(f'{cause}\ndocs: nbdev processing failed: {e}{hint}')
    t1 = time.time()
    print(f'docs: converting {proc} -> {srcdir}', flush=True)
    pages = stage(cfg, proc, srcdir)
    print(f'docs: sphinx: {len(pages)} pages ...', flush=True)
    status, warnings = sphinx_build(cfg, srcdir, htmldir, doctrees, strict=strict, verbose=verbose)
    t2 = time.time()
    if status != 0 or not (htmldir/'index.html').exists():
        raise SystemExit(f'docs: Sphinx failed (status {status}, {len(warnings)} warnings/errors above)')
    dest = cfg.config_path/cfg.get('doc_path', '_docs')
    if dest.exists(): shutil.rmtree(dest)
    shutil.copytree(htmldir, dest)
    if (dest/'_sources').is_dir() and not any((dest/'_sources').iterdir()): (dest/'_sources').rmdir()
    print(f'docs: {len(warnings)} Sphinx warnings; nbdev {t1 - t0:.1f}s, sphinx {t2 - t1:.1f}s, '
          f'total {time.time() - t0:.1f}s', file=sys.stderr, flush=True)
    return dest/'index.html'


def process_readme_nb(cfg) -> dict:
    "The readme notebook (settings `readme_nb`, default index.ipynb) after nbdev's processing, in-process."
    from nbdev import serve_drv
    from nbdev.processors import FilterDefaults
    root = str(cfg.config_path)
    if root not in sys.path: sys.path.insert(0, root)
    src = cfg.nbs_path/cfg.get('readme_nb', 'index.ipynb')
    with tempfile.TemporaryDirectory() as tmp, working_dir(cfg.nbs_path):
        dst = Path(tmp)/src.name
        serve_drv.main((src, dst, FilterDefaults))
        return json.loads(dst.read_text(encoding='utf-8'))


def readme(root: Path = ROOT, check=False) -> bool:
    "Write README.md from the readme notebook; with `check`, only report whether it is up to date."
    cfg = load_config(root)
    src = cfg.get('readme_nb', 'index.ipynb')
    links = Links.for_sources(doc_url(cfg), list_notebooks(cfg))
    nbs_dir = cfg.nbs_path.relative_to(cfg.config_path).as_posix()
    md = readme_markdown(process_readme_nb(cfg), links, src=src, nbs_dir=nbs_dir)
    path = cfg.config_path/'README.md'
    current = path.read_text(encoding='utf-8') if path.exists() else None
    if check:
        if current != md: print(f'docs: {path} is out of date: run `python tools/docs.py readme`', file=sys.stderr)
        return current == md
    if current != md: path.write_text(md, encoding='utf-8')
    print(path)
    return True


def main(argv=None) -> int:
    p = argparse.ArgumentParser(prog='python tools/docs.py', description=__doc__.split('\n\n')[0])
    p.add_argument('command', nargs='?', default='build', choices=['build', 'readme'])
    p.add_argument('--root', type=Path, default=ROOT, help='the nbdev project (default: this repo)')
    p.add_argument('--strict', action='store_true', help='treat Sphinx warnings as errors')
    p.add_argument('--force', action='store_true', help="reprocess every notebook (ignore nbdev's _proc cache)")
    p.add_argument('--check', action='store_true', help='readme: fail if README.md would change, write nothing')
    p.add_argument('-v', '--verbose', action='store_true', help="show Sphinx's progress")
    a = p.parse_args(argv)
    sys.path[:] = [d or os.getcwd() for d in sys.path]      # keep `python -m tools.docs` importable after chdir
    os.chdir(a.root)            # nbdev reads settings.ini from the working directory (and caches it)
    if a.command == 'readme': return 0 if readme(a.root.resolve(), check=a.check) else 1
    print(build(a.root.resolve(), strict=a.strict, force=a.force, verbose=a.verbose).resolve())
    return 0


if __name__ == '__main__':
    sys.exit(main())
