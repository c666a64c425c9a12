#!/usr/bin/env python
"""Give every notebook under the notebooks folder a Python 3 kernelspec, so JupyterLab opens it without asking.

A notebook without `metadata.kernelspec` makes JupyterLab ask for a kernel. This sets

    "kernelspec": {"display_name": "python3", "language": "python", "name": "python3"}

on every `.ipynb` under `nbs_path` of settings.ini (recursively; folders and files whose name starts with `.`
are skipped, such as `.ipynb_checkpoints`). `display_name` is `python3` because that is what `nbdev_clean`
writes (its `clean_nb` keeps `kernelspec` and sets `display_name` to `name`), so CI's check that nbdev_clean
changes no tracked file stays green. Nothing else of a notebook changes; it is written as nbdev writes
notebooks (JSON, keys sorted, indent 1, UTF-8, a final newline), and only if its kernelspec was different.

    python tools/kernelspec.py [--root .] [--check] [NOTEBOOK ...]

`--check` writes nothing and exits 1 if a notebook lacks this kernelspec (listing them).
"""
from __future__ import annotations

import argparse, json, sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from run_notebooks import nbs_path  # noqa: E402  (settings.ini's nbs_path, read one way for every tool)

ROOT = Path(__file__).resolve().parent.parent
KERNELSPEC = {'display_name': 'python3', 'language': 'python', 'name': 'python3'}


def notebooks(nbs: Path) -> list[Path]:
    "Every notebook under `nbs`, skipping folders and files whose name starts with `.`."
    return sorted(p for p in nbs.rglob('*.ipynb') if not any(s.startswith('.') for s in p.relative_to(nbs).parts))


def has_kernelspec(nb: dict) -> bool: return nb.get('metadata', {}).get('kernelspec') == KERNELSPEC


def dumps(nb: dict) -> str:
    "A notebook as nbdev (execnb's `write_nb`, used by nbdev_clean) writes it."
    return json.dumps(nb, sort_keys=True, indent=1, ensure_ascii=False) + '\n'


def set_kernelspec(path: Path) -> bool:
    "Set the Python 3 kernelspec on the notebook at `path`; True if the file changed."
    nb = json.loads(path.read_text(encoding='utf-8'))
    if has_kernelspec(nb): return False
    nb.setdefault('metadata', {})['kernelspec'] = dict(KERNELSPEC)
    path.write_text(dumps(nb), encoding='utf-8')
    return True


def missing(paths) -> list[Path]:
    "The notebooks of `paths` without the Python 3 kernelspec."
    return [p for p in paths if not has_kernelspec(json.loads(Path(p).read_text(encoding='utf-8')))]


def main(argv=None) -> int:
    p = argparse.ArgumentParser(prog='python tools/kernelspec.py', description=__doc__.split('\n\n')[0])
    p.add_argument('--root', type=Path, default=ROOT, help='the nbdev project (default: this repo)')
    p.add_argument('--check', action='store_true', help='write nothing; exit 1 if a notebook lacks the kernelspec')
    p.add_argument('notebooks', nargs='*', type=Path, help='only these notebooks (default: all under nbs_path)')
    a = p.parse_args(argv)
    paths = a.notebooks or notebooks(nbs_path(a.root.resolve()))
    if a.check:
        bad = missing(paths)
        for b in bad: print(f'kernelspec: {b} has no Python 3 kernelspec (run python tools/kernelspec.py)')
        print(f'kernelspec: {len(paths) - len(bad)} of {len(paths)} notebooks have it')
        return 1 if bad else 0
    changed = [q for q in paths if set_kernelspec(q)]
    for q in changed: print(f'kernelspec: set on {q}')
    print(f'kernelspec: {len(changed)} of {len(paths)} notebooks changed')
    return 0


if __name__ == '__main__':
    sys.exit(main())
