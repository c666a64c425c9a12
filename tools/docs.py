#!/usr/bin/env python
"""Build the docs site and the README offline, without Quarto.

`nbdev_docs`, `nbdev_preview` and `nbdev_readme` need Quarto, which cannot be installed here. This module
keeps nbdev's own notebook processing and swaps the renderer:

1. `nbdev.serve.proc_nbs` processes `nbs/` into `_proc/` exactly as `nbdev_docs` does: hidden and export cells
   dropped (`#| hide`, so also the exercises' solutions), `show_doc` cells executed (offline, in worker
   processes whose working directory is `nbs/`), front matter collected into a raw YAML cell, backticked names
   linked to the doc host.
2. `convert_notebook` turns each processed notebook into one that myst-nb renders. It translates what nbdev's
   processing of these notebooks produces, and nothing more: the front matter (title, description), the
   `#| echo: false` / `#| output: asis` cells of `show_doc`, the `[source](...){target=...}` link of its
   output, `#| eval: false` (a widget cell: shown as it is), links to the doc host (links between pages). Any other Quarto construct (a fenced div
   or callout, heading or link attributes, another cell option, a raw cell, a collapsed cell that is not
   `#| hide`) stops the build with an error naming the notebook and the cell: write plain markdown instead.
3. Sphinx (theme furo, MathJax 3 from `sphinx-mathjax-offline`, of which only the files the pages load are
   copied: see `tools/sphinx/mathjax_local.py`) builds `_build/html`, copied to `_docs/`. Pages keep nbdev's
   URLs (`nbdev.doclinks._nbpath2html`): `nbs/00_capa.ipynb` is `capa.html`, as on the Quarto site. The
   sidebar lists every notebook nbdev finds (`nbdev.doclinks.nbglob`) in nbdev's sidebar order: a new notebook
   is a new page with nothing to register.

`readme_markdown` turns the processed `nbs/index.ipynb` into `README.md`, its links pointing at the notebooks
in the repository (`nbs/00_capa.ipynb`).

    python tools/docs.py [--strict] [--force]   # build _docs/ and print the path of _docs/index.html
    python tools/docs.py readme [--check]       # write README.md (--check: fail if it would change)
"""
from __future__ import annotations

import argparse, contextlib, json, os, posixpath, re, shutil, sys, tempfile, textwrap, time
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from fastcore.basics import AttrDict
from nbdev.doclinks import _nbpath2html
from nbdev.frontmatter import _fm2dict
from nbdev.process import extract_directives, first_code_ln
from nbdev.processors import _re_showdoc, insert_warning
from nbdev.quarto import _sort as _nbdev_sidebar_sort

TOOLS = Path(__file__).resolve().parent
CONF_DIR = TOOLS/'sphinx'
ROOT = TOOLS.parent


class Unsupported(ValueError):
    "Markup this site does not translate (nbdev's processing of our notebooks never makes it)."


# ---------------------------------------------------------------------------------------------------------------
# Pages: which notebooks, in which order, under which names

def docname_for(src: str) -> str:
    "Page name of the notebook `src` (posix, relative to nbs): nbdev's html name without `.html`, e.g. `capa`."
    return _nbpath2html(PurePosixPath(src)).with_suffix('').as_posix()


def page_order(src: str):
    "Sort key of nbdev's sidebar (`nbdev.quarto._sort`): folder by folder, `index` first, then by file name."
    d, name = posixpath.split(src)
    return _nbdev_sidebar_sort((PurePosixPath(d), name))


def section_title(folder: str) -> str:
    "Sidebar caption for a folder of notebooks, named as nbdev names sections (`01_tutorials` -> `Tutorials`)."
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
    sources: dict = field(default_factory=dict)    # 'capa' -> '00_capa.ipynb'
    anchors: dict = field(default_factory=dict)    # 'capa' -> {'capa.forward', 'a-first-capa', ...}, if known
    missing: list = field(default_factory=list)    # (link, page it was on) whose anchor does not exist

    @classmethod
    def for_sources(cls, doc_url, sources):
        pages, srcs = {}, {}
        for src in sources:
            dn = docname_for(src)
            pages[src] = pages[dn + '.html'] = dn
            srcs[dn] = src
        return cls(doc_url=doc_url.rstrip('/') + '/', pages=pages, sources=srcs)

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
        dn, anchor = hit                       # MyST resolves `/page.ipynb#anchor` by heading slug
        if anchor and dn in self.anchors and anchor not in self.anchors[dn]:
            # e.g. nbdev links every backticked name of the module index, private ones without a show_doc too:
            # on the Quarto site such a link opens the page, so it does here
            self.missing.append((f'{dn}.html#{anchor}', here))
            anchor = ''
        return f'/{dn}.ipynb' + ('#' + anchor if anchor else '')

    def readme_target(self, url, here, nbs_dir='nbs'):
        """`url` for README.md, relative to the repository: our pages are their notebooks, `nbs/00_capa.ipynb`
        (without anchor: GitHub's notebook view has none); other relative paths are prefixed with `nbs_dir`.
        '' (the link becomes its text) for the doc-host links nbdev puts on backticked names (`Capa` ->
        `capa.html#capa`): in the README they would all open the same notebook. None leaves the link alone."""
        hit = self._page(url, here)
        if hit is not None and hit[1] and url.startswith(self.doc_url): return ''
        if hit is not None: return posixpath.join(nbs_dir, self.sources[hit[0]])
        if url.startswith('#') or re.match(r'^[a-zA-Z][\w+.-]*:', url) or url.startswith('/'): return None
        return posixpath.normpath(posixpath.join(nbs_dir, posixpath.dirname(here), url))


# ---------------------------------------------------------------------------------------------------------------
# Notebook cells, read with nbdev's own functions

def text(x) -> str:
    "A notebook string field (a string or a list of lines) as one string."
    return ''.join(x) if isinstance(x, list) else (x or '')


FRONT_MATTER_KEYS = {'title', 'description', 'output-file',      # what nbdev's FrontmatterProc writes
                     'skip_showdoc', 'skip_exec'}                   # nbdev's own switches, read by nbdev

def front_matter(cell) -> dict | None:
    "The YAML front matter of a raw cell `---\\n...\\n---` (nbdev's `_fm2dict`), or None if it is not one."
    if cell.get('cell_type') != 'raw': return None
    d = _fm2dict(text(cell.get('source')))
    return d if isinstance(d, dict) and d else None


def split_directives(source: str) -> tuple[dict, str]:
    """Leading `#|` lines of a code cell as nbdev reads them (`nbdev.process.extract_directives`), keys without
    Quarto's colon and values as one string (`#| echo: false` -> {'echo': 'false'}, `#| hide` -> {'hide': None},
    `#| export capa` -> {'export': 'capa'}), and the code after them."""
    d = extract_directives(AttrDict(source=source), remove=False)
    lines = source.splitlines(True)
    i = first_code_ln(lines)
    code = '' if i is None else ''.join(lines[i:])
    return {k.rstrip(':'): ' '.join(v) if v else None for k, v in d.items()}, code.strip('\n')


def is_false(v) -> bool: return v is False or (isinstance(v, str) and v.strip().lower() == 'false')


# the Quarto cell options translated: those nbdev's processing writes on `show_doc` cells (clean_show_doc), and
# `eval: false`, which the notebooks put on cells that open an ipywidgets control (nbdev_test and nbdev's docs
# processing skip them; the page shows the code and what outputs it has, as nothing is executed here)
CELL_OPTIONS = {('echo', 'false'), ('output', 'asis'), ('eval', 'false')}


# ---------------------------------------------------------------------------------------------------------------
# Markdown: links rewritten, anything Quarto-specific refused

_inline_re = re.compile(r'''
    (?P<esc>\\.)
  | (?P<code>(?P<ticks>`+).+?(?<!`)(?P=ticks)(?!`))
  | (?P<math>\$\$.+?\$\$|\$(?=[^\s$])[^$\n]*?(?<=[^\s\\])\$(?!\d))
  | (?P<link>(?P<bang>!?)\[(?P<text>(?:[^\[\]\n]|\n(?!\n)|\[[^\[\]\n]*\])*)\]
        \((?P<url><[^>\n]*>|[^()\s]*(?:\([^()\s]*\)[^()\s]*)*)(?P<title>\s+"[^"\n]*")?\)
        (?:\{(?P<attrs>[^{}\n]*)\})?)
''', re.VERBOSE | re.DOTALL)

_attr_tok = r'(?:#[\w:.-]+|\.[\w:.-]+|[\w:.-]+=(?:"[^"]*"|\'[^\']*\'|[^\s"\'{}]+))'
_attrs_re = re.compile(rf'^\s*{_attr_tok}(?:\s+{_attr_tok})*\s*$')

def is_attrs(s: str) -> bool:
    "True if `s` (the inside of `{...}`) is pandoc attributes: `#id`, `.class`, `key=value`, space-separated."
    return bool(_attrs_re.match(s))


def convert_inline(s: str, target) -> str:
    """Rewrite the links of markdown text `s` with `target(url)` (the new URL, None to keep it, '' to replace the
    link by its text); code spans and math are left alone. Pandoc attributes after a link or image
    (`[x](u){.cls}`) raise `Unsupported`."""
    def sub(m):
        if not m.group('link'): return m.group(0)
        if m.group('attrs') is not None and is_attrs(m.group('attrs')):
            raise Unsupported(f'pandoc attributes after a link or image: `{short(m.group(0))}`')
        url = m.group('url')
        new = target(url.strip('<>')) if url else None
        if new == '' and not m.group('bang'): return m.group('text') + ('' if m.group('attrs') is None else '{' + m.group('attrs') + '}')
        rest = '' if m.group('attrs') is None else '{' + m.group('attrs') + '}'    # text that follows a link
        return f"{m.group('bang')}[{m.group('text')}]({new or url}{m.group('title') or ''}){rest}"
    return _inline_re.sub(sub, s)


def short(s: str, n: int = 80) -> str:
    s = ' '.join(str(s).split())
    return s if len(s) <= n else s[:n - 1] + '…'


_fence_re = re.compile(r'^ {0,3}(`{3,}|~{3,})')
_div_re = re.compile(r'^ {0,3}:{3,}')
_heading_re = re.compile(r'^#{1,6}[ \t]+(.*?)[ \t#]*$')
_head_attrs_re = re.compile(r'^#{1,6}[ \t]+.*?[ \t]+\{([^{}]*)\}[ \t]*$')


def convert_markdown(md: str, target) -> str:
    """Markdown of a notebook (a cell, a markdown output) with its links rewritten by `target` (see
    `convert_inline`); fenced code blocks are copied untouched. Quarto's extensions of markdown, which these
    notebooks do not use and this site does not translate, raise `Unsupported`: fenced divs (`:::`, callouts
    and columns), heading attributes (`## Setup {#setup}`), link and image attributes."""
    out, chunk, fence = [], [], None
    def flush():
        if chunk: out.extend(convert_inline('\n'.join(chunk), target).split('\n')); chunk.clear()
    for n, line in enumerate(md.split('\n'), 1):
        if fence:
            out.append(line)
            if re.match(rf'^ {{0,3}}{re.escape(fence[0])}{{{len(fence)},}}\s*$', line): fence = None
            continue
        if (m := _fence_re.match(line)):
            flush(); fence = m.group(1); out.append(line); continue
        if _div_re.match(line):
            raise Unsupported(f'a fenced div (line {n}: `{short(line)}`; Quarto callouts and columns are divs)')
        if (m := _head_attrs_re.match(line)) and is_attrs(m.group(1)):
            raise Unsupported(f'heading attributes (line {n}: `{short(line)}`)')
        chunk.append(line)
    flush()
    return '\n'.join(out)


# ---------------------------------------------------------------------------------------------------------------
# show_doc output -> a markdown section

_source_re = re.compile(r'^\[source\]\(([^()\s]+)\)(?:\{[^{}]*\})?\s*$')
_sig_re = re.compile(r'^> {5}')            # old fastcore: `>      Name (args)` (blockquote + indented code)

def convert_show_doc(md: str, target, readme=False) -> str:
    """Markdown of a `show_doc` output, links rewritten by `target`: the `---` rule goes, nbdev's
    `[source](...){target="_blank" style=...}` link moves below the heading (for the site with the class
    `nbdev-source`, right-aligned by the site's CSS; plain in the README) and an old-style `>      sig` block
    becomes a fenced python block. The heading `### Capa.forward` is the anchor `capa.forward` (`pandoc_slug`)."""
    lines = md.strip('\n').split('\n')
    while lines and lines[0].strip() in ('', '---', '***', '___'): lines.pop(0)
    src = next((i for i, l in enumerate(lines) if _source_re.match(l)), None)
    src_url = None
    if src is not None:
        src_url = _source_re.match(lines.pop(src)).group(1)
    head, body, i = [], [], 0
    while i < len(lines):
        l = lines[i]
        if not head and _heading_re.match(l):
            while body and not body[-1].strip(): body.pop()
            head, body = body + [l], []
        elif _sig_re.match(l):
            sig = []
            while i < len(lines) and _sig_re.match(lines[i]):
                sig.append(lines[i][1:]); i += 1
            body += ['```python', *textwrap.dedent('\n'.join(sig)).split('\n'), '```']
            continue
        else: body.append(l)
        i += 1
    link = [] if not src_url else [f'[source]({src_url})' + ('' if readme else '{.nbdev-source}')]
    parts = [convert_markdown('\n'.join(head), target)] if head else []
    parts += link + [convert_markdown('\n'.join(body).strip('\n'), target)]
    return '\n\n'.join(p for p in parts if p.strip()).strip('\n')


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


def is_show_doc(code: str) -> bool: return bool(_re_showdoc.search(code))    # nbdev's test for a show_doc cell


_inline_md = None

def heading_text(h: str) -> str:
    """The text MyST slugs for a heading (myst_parser's `compute_unique_slug`): its inline text and code
    tokens, so links count as their text and math, emphasis markers and backticks not at all
    (`Capa.__getstate__` is `Capa.<strong>getstate</strong>`: the slug is `capa.getstate`)."""
    global _inline_md
    from markdown_it import MarkdownIt
    _inline_md = _inline_md or MarkdownIt('commonmark')
    h = re.sub(r'\$[^$]*\$', '', h)                  # dollarmath: a math token, not text
    tokens = _inline_md.parseInline(h)
    return ''.join(t.content for tok in tokens for t in (tok.children or [])
                   if t.type in ('text', 'code_inline'))


def markdown_anchors(md: str) -> set:
    "Anchors that markdown `md` defines: the slugs (`pandoc_slug`) of its headings outside code."
    res, fence = set(), None
    for line in md.split('\n'):
        m = _fence_re.match(line)
        if fence:
            if m and m.group(1)[0] == fence[0] and len(m.group(1)) >= len(fence): fence = None
            continue
        if m: fence = m.group(1); continue
        if (h := _heading_re.match(line)): res.add(pandoc_slug(heading_text(h.group(1))))
    return res


def page_anchors(nb) -> set:
    "Anchors the page of processed notebook `nb` will have (its title, headings, show_doc names)."
    res = set()
    for c in nb.get('cells', []):
        if (fm := front_matter(c)) and fm.get('title'): res.add(pandoc_slug(str(fm['title'])))
        elif c.get('cell_type') == 'markdown': res |= markdown_anchors(text(c.get('source')))
        elif c.get('cell_type') == 'code' and split_directives(text(c.get('source')))[0].get('output') == 'asis':
            res |= markdown_anchors(asis_markdown(c) or '')
    return res


# ---------------------------------------------------------------------------------------------------------------
# One processed notebook -> one myst-nb notebook

WARNING = insert_warning.content          # the markdown cell nbdev's processing inserts after the first cell

def _md_cell(src): return {'cell_type': 'markdown', 'metadata': {}, 'source': src}


def cell_options(c) -> tuple[dict, str]:
    """The Quarto options of a processed code cell (nbdev has removed its own directives) and its code;
    `Unsupported` for an option not in `CELL_OPTIONS`."""
    d, code = split_directives(text(c.get('source')))
    for k, v in d.items():
        if (k, v) not in CELL_OPTIONS:
            raise Unsupported(f'the cell option `#| {k}{": " + v if v else ""}` (translated: only `#| eval: false`, '
                              'and `#| echo: false` and `#| output: asis`, which nbdev writes on show_doc cells)')
    return d, code


def check_cell(c):
    "`Unsupported` for what no cell on a page may be: a raw cell (not front matter), a collapsed source."
    if nested(c, 'metadata', 'jupyter', 'source_hidden'):
        raise Unsupported('a collapsed cell (metadata jupyter.source_hidden) without `#| hide`: its source would '
                          'be on the page; an exercise solution starts with `#| hide`')
    if c.get('cell_type') == 'raw' and front_matter(c) is None:
        raise Unsupported('a raw cell (Quarto copies it into the page untranslated): use a markdown cell')


def nested(d, *keys):
    for k in keys: d = d.get(k) if isinstance(d, dict) else None
    return d


def check_front_matter(fm: dict):
    extra = sorted(set(fm) - FRONT_MATTER_KEYS)
    if extra: raise Unsupported(f'front matter key(s) {", ".join(extra)} (translated: title and description, '
                                'from the first cell `# title` and `> description`)')


def _where(src: str, source_nb: dict | None):
    "A function naming a processed cell for error messages: its number and id in the source notebook."
    ids = {c.get('id'): i for i, c in enumerate((source_nb or {}).get('cells', []))}
    def where(c):
        i = ids.get(c.get('id'))
        if front_matter(c) is not None: return f'{src}, its front matter (the first cell: `# title`, `> description`)'
        if i is None: return f'{src}, a cell nbdev made (id {c.get("id")})'
        first = short(text(source_nb['cells'][i].get('source')).strip().split('\n')[0], 60)
        return f'{src}, cell {i + 1} (id {c.get("id")}: `{first}`)'
    return where


def convert_notebook(nb: dict, src: str, links: Links, toctree: str = '', source_nb: dict | None = None,
                     label: str | None = None) -> dict:
    """The processed notebook `nb` (from `_proc/<src>`) as a notebook myst-nb renders; `toctree` (MyST) is
    appended, for the home page. A construct this site does not translate raises `Unsupported` naming the
    notebook (`label`, default `src`) and the cell (its number in `source_nb`, the notebook in `nbs/`)."""
    here, dn = src, docname_for(src)
    target = lambda url: links.site_target(url, here)
    where = _where(label or src, source_nb)
    cells, title = [], None
    for c in nb.get('cells', []):
        try: cells += _convert_cell(c, target, dn, title is None)
        except Unsupported as e: raise Unsupported(f'{where(c)}: {e}') from None
        if title is None and cells and front_matter(c) is not None: title = cells[-1]['source']
    if title is None: cells.insert(0, _md_cell(f"# {dn.rsplit('/', 1)[-1]}"))
    if toctree: cells.append(_md_cell(toctree))
    meta = {k: nb.get('metadata', {}).get(k, v) for k, v in DEFAULT_META.items()}
    return {'cells': cells, 'metadata': meta, 'nbformat': 4, 'nbformat_minor': 4}


def _convert_cell(c, target, dn, first_fm) -> list:
    check_cell(c)
    ct, source = c.get('cell_type'), text(c.get('source'))
    if ct == 'raw':
        fm = front_matter(c)
        if not first_fm: raise Unsupported('a second front matter cell')
        check_front_matter(fm)
        head = f"# {fm.get('title') or dn.rsplit('/', 1)[-1]}"
        if fm.get('description'):
            head += '\n\n{.nbdev-description}\n' + convert_markdown(str(fm['description']), target)
        return [_md_cell(head)]
    if ct == 'markdown':
        if source.strip() == WARNING or not source.strip(): return []
        return [_md_cell(convert_markdown(source, target))]
    if ct != 'code': raise Unsupported(f'a cell of type {ct!r}')
    d, code = cell_options(c)
    if d.get('output') == 'asis':
        md = asis_markdown(c)
        if md is None: raise Unsupported('`#| output: asis` on a cell whose outputs are not markdown or text')
        res = [] if is_false(d.get('echo')) or not code.strip() else [_code_cell(code, [], ['remove-output'])]
        md = convert_show_doc(md, target) if is_show_doc(code) else convert_markdown(md, target)
        return res + ([_md_cell(md)] if md.strip() else [])
    tags = []
    if is_false(d.get('echo')) or not code.strip(): tags.append('remove-input')
    outputs = [_convert_output(o, target) for o in c.get('outputs', [])]
    if not code.strip() and not outputs: return []
    return [_code_cell(code, outputs, tags)]


# jupytext-paired notebooks may carry no kernel metadata; myst-nb needs a language to highlight code
DEFAULT_META = {'kernelspec': {'display_name': 'Python 3', 'language': 'python', 'name': 'python3'},
                'language_info': {'name': 'python', 'pygments_lexer': 'ipython3'}}


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


def _output_markdown(o, target, show_doc=False) -> str | None:
    "A README block for one output: text as a fenced block, markdown as is; images and widgets are skipped."
    t = o.get('output_type')
    if t == 'stream': return _fenced(text(o.get('text')))
    if t == 'error': return _fenced(f"{o.get('ename')}: {o.get('evalue')}")
    data = o.get('data', {})
    if 'text/markdown' in data:
        md = text(data['text/markdown'])
        return convert_show_doc(md, target, readme=True) if show_doc else convert_markdown(md, target)
    if any(k.startswith('image/') for k in data): return None
    if 'text/plain' in data: return _fenced(text(data['text/plain']))
    return None


def readme_markdown(nb: dict, links: Links, src: str = 'index.ipynb', nbs_dir: str = 'nbs',
                    source_nb: dict | None = None) -> str:
    """README.md text from the processed readme notebook `nb`: `# title`, `> description`, markdown cells,
    code as ```python blocks, text outputs as fenced blocks; links to the notebooks in the repository
    (`nbs/00_capa.ipynb`). Refuses what the site refuses (`Unsupported`)."""
    target = lambda url: links.readme_target(url, src, nbs_dir)
    where = _where(f'{nbs_dir}/{src}', source_nb)
    blocks = []
    for c in nb.get('cells', []):
        try: blocks += _readme_blocks(c, target, first=not blocks, label=f'{nbs_dir}/{src}')
        except Unsupported as e: raise Unsupported(f'{where(c)}: {e}') from None
    return '\n\n'.join(b.rstrip() for b in blocks) + '\n'


def _readme_blocks(c, target, first, label) -> list:
    check_cell(c)
    ct, source = c.get('cell_type'), text(c.get('source'))
    if ct == 'raw':
        fm = front_matter(c)
        if not first: raise Unsupported('front matter after the first cell')
        check_front_matter(fm)
        res = [f"# {fm['title']}"] if fm.get('title') else []
        res.append(f'<!-- WARNING: generated from {label} by `python tools/docs.py readme`; '
                   'edit the notebook, not this file. -->')
        if fm.get('description'): res.append('> ' + convert_markdown(str(fm['description']), target))
        return res
    if ct == 'markdown':
        if source.strip() == WARNING or not source.strip(): return []
        return [convert_markdown(source, target).strip('\n')]
    d, code = cell_options(c)
    res = [_fenced(code, 'python')] if code.strip() and not is_false(d.get('echo')) else []
    for o in _merge_streams(c.get('outputs', [])):
        b = _output_markdown(o, target, show_doc=is_show_doc(code))
        if b and b.strip(): res.append(b.strip('\n'))
    return res


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
    nbs_dir = cfg.nbs_path.relative_to(cfg.config_path).as_posix()
    expected, refused = set(), []
    for s in sources:
        dn = docname_for(s)
        toc = toctree_markdown(docnames) if dn == 'index' else ''
        source_nb = json.loads((cfg.nbs_path/s).read_text(encoding='utf-8'))
        try: out = convert_notebook(nbs[s], s, links, toctree=toc, source_nb=source_nb, label=f'{nbs_dir}/{s}')
        except Unsupported as e:
            refused.append(str(e))
            continue
        _write_if_changed(srcdir/f'{dn}.ipynb', json.dumps(out, indent=1, sort_keys=True, ensure_ascii=False) + '\n')
        expected.add(f'{dn}.ipynb')
    if refused:
        raise SystemExit('docs: markup this site does not translate (write plain markdown; see tools/docs.py):\n'
                         + '\n'.join(f'  {r}' for r in refused))
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
    source_nb = json.loads((cfg.nbs_path/src).read_text(encoding='utf-8'))
    try: md = readme_markdown(process_readme_nb(cfg), links, src=src, nbs_dir=nbs_dir, source_nb=source_nb)
    except Unsupported as e: raise SystemExit(f'docs: markup the README does not translate: {e}')
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
