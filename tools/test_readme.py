"""Tests of README.md as GitHub shows it: `python -m pytest -q tools`.

Every relative link (and image) of README.md resolves to a file of the repository: the README links the
notebooks (`nbs/00_capa.ipynb`), not a doc host that serves nothing. README.md is generated from
nbs/index.ipynb by `python tools/docs.py readme`.
"""
import re, sys
from pathlib import Path
from urllib.parse import unquote

sys.path.insert(0, str(Path(__file__).resolve().parent))
import docs

ROOT = docs.ROOT


def links(md: str) -> list[str]:
    "Targets of the markdown links and images and of the html `href`/`src` of `md`, outside code."
    prose = []
    fence = None
    for line in md.split('\n'):
        m = docs._fence_re.match(line)
        if fence:
            if m and m.group(1)[0] == fence[0] and len(m.group(1)) >= len(fence): fence = None
            continue
        if m: fence = m.group(1); continue
        prose.append(line)
    prose = '\n'.join(prose)
    res = [m.group('url').strip('<>') for m in docs._inline_re.finditer(prose) if m.group('link')]
    res += re.findall(r'''(?:href|src)\s*=\s*["']([^"']+)["']''', re.sub(r'`[^`\n]*`', '', prose))
    res += [u for u in re.findall(r'^\s*\[[^\]]+\]:\s*(\S+)', prose, re.M)]     # reference definitions
    return res


def is_relative(url: str) -> bool:
    return not (re.match(r'^[a-zA-Z][\w+.-]*:', url) or url.startswith(('#', '//')))


def unresolved(md: str, root: Path) -> list[str]:
    "Relative links of `md` that name no file under `root` (anchors and queries ignored)."
    bad = []
    for url in links(md):
        if not is_relative(url): continue
        path = unquote(re.split(r'[#?]', url)[0])
        if not path or not (root/path).resolve().is_file() or not (root/path).resolve().is_relative_to(root):
            bad.append(url)
    return bad


def test_link_finder():
    md = ('[a](nbs/00_capa.ipynb#x) ![p](img/p.png "t") <img src="x.png"> [ext](https://e.org) [top](#quick-start)\n'
          '`[code](not/a/link.md)`\n```\n[fenced](nope.md)\n```\n[ref]: docs/ref.md')
    assert links(md) == ['nbs/00_capa.ipynb#x', 'img/p.png', 'https://e.org', '#quick-start', 'x.png', 'docs/ref.md']
    assert [u for u in links(md) if is_relative(u)] == ['nbs/00_capa.ipynb#x', 'img/p.png', 'x.png', 'docs/ref.md']


def test_unresolved(tmp_path):
    (tmp_path/'nbs').mkdir()
    (tmp_path/'nbs/00_capa.ipynb').write_text('{}')
    md = '[ok](nbs/00_capa.ipynb#contract) [gone](nbs/99_gone.ipynb) [dir](nbs) [up](../x) [web](https://capa-nb.github.io/x)'
    assert unresolved(md, tmp_path) == ['nbs/99_gone.ipynb', 'nbs', '../x']


def test_every_relative_link_of_the_readme_resolves():
    md = (ROOT/'README.md').read_text(encoding='utf-8')
    rel = [u for u in links(md) if is_relative(u)]
    assert any(u.startswith('nbs/') and u.endswith('.ipynb') for u in rel), 'README links no notebook'
    assert unresolved(md, ROOT) == []


def test_readme_links_no_page_of_the_doc_host():
    "The doc host of settings.ini serves nothing: README links the notebooks, and names the local site."
    cfg = docs.load_config(ROOT)
    md = (ROOT/'README.md').read_text(encoding='utf-8')
    host = docs.doc_url(cfg)
    assert not [u for u in links(md) if u.startswith(host) or u.startswith(cfg.doc_host)]
    assert '_docs/index.html' in md
