#!/usr/bin/env python
"""Run every notebook top to bottom in a real Jupyter kernel, as a reader's JupyterLab runs it.

`nbdev_test` runs cells in its own shell and skips some of them; a reader opens a notebook in JupyterLab and
runs all of it. This does what the reader does, with nbclient:

- every `.ipynb` under the notebooks folder (`nbs_path` of settings.ini), recursively, `index.ipynb` too;
  folders whose name starts with `.` (`.ipynb_checkpoints`) are skipped;
- in the `python3` kernel of the Python running this script (the venv's: `.venv/bin/python ...`), started
  with the notebook's folder as working directory, with matplotlib's inline backend (`MPLBACKEND` is removed
  from the kernel's environment) and the project (its copy, below) first on `PYTHONPATH`, so `import capa_nb`
  is this checkout's library, as the editable install gives it to the reader;
- every code cell, in order: nbdev's flags mean nothing to JupyterLab's "Run All", so `#| slow`,
  `#| notest` and `#| eval: false` cells run too (a cell that must not run when a reader runs the notebook
  has no place in it). Like JupyterLab, a cell tagged `raises-exception` may raise; any other error stops
  the notebook and fails the run;
- on copies: for each notebook the project (without `.git`, `.venv` and build output) is copied to a temporary
  folder and the notebook runs there, so files it writes (`nbdev_export()`, saved models, `__pycache__`) never
  touch the working tree, nor a notebook running beside it that may be importing the package at that moment.
  `--out DIR` keeps the executed notebooks;
- two notebooks at a time (`--jobs`), each within `--timeout` seconds (from its first cell: the kernel's start
  has its own limit of 120 s).

It prints a table: notebook, seconds, ok or the error with the failing cell's first lines. Exit status 1 if
any notebook failed, 2 if there is nothing to run.

    python tools/run_notebooks.py [--root .] [--jobs 2] [--timeout 900] [--out DIR] [NOTEBOOK ...]
"""
from __future__ import annotations

import argparse, asyncio, configparser, os, shutil, sys, tempfile, time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
NOT_COPIED = ('.git', '.venv', 'venv', '_docs', '_proc', '_build', 'build', 'dist', '*.egg-info', '__pycache__',
              '.ipynb_checkpoints', '.pytest_cache', '.hypothesis', 'node_modules')


def nbs_path(root: Path) -> Path:
    "The notebooks folder of the nbdev project at `root` (settings.ini's `nbs_path`, default `nbs`)."
    cfg = configparser.ConfigParser()
    cfg.read(root/'settings.ini', encoding='utf-8')
    return root/cfg.get('DEFAULT', 'nbs_path', fallback='nbs')


def find_notebooks(nbs: Path) -> list[Path]:
    "Every notebook under `nbs`, relative to it, skipping folders (and files) whose name starts with `.`."
    res = []
    for p in nbs.rglob('*.ipynb'):
        rel = p.relative_to(nbs)
        if not any(part.startswith('.') for part in rel.parts): res.append(rel)
    return sorted(res, key=lambda r: (r.parent.parts, r.name != 'index.ipynb', r.name))


@dataclass
class Result:
    notebook: str
    seconds: float = 0.0
    error: str | None = None           # None: ok
    cell: int | None = None            # index of the failing cell (0-based, all cells counted)
    cell_source: str = ''
    cells_run: int = 0

    @property
    def ok(self): return self.error is None


def first_lines(source: str, n: int = 2, width: int = 100) -> str:
    lines = [l.rstrip() for l in source.strip('\n').splitlines() if l.strip()][:n]
    return ' ⏎ '.join(l if len(l) <= width else l[:width - 1] + '…' for l in lines)


def kernel_env(root: Path) -> dict:
    "The kernel's environment: ours, without MPLBACKEND (JupyterLab's kernels plot inline), root on PYTHONPATH."
    env = {k: v for k, v in os.environ.items() if k != 'MPLBACKEND'}
    env['PYTHONPATH'] = os.pathsep.join([str(root)] + [p for p in env.get('PYTHONPATH', '').split(os.pathsep) if p])
    env.pop('JPY_PARENT_PID', None)
    return env


async def run_one(path: Path, cwd: Path, name: str, timeout: float, kernel: str, env: dict,
                  out: Path | None = None, kernel_log: Path | None = None) -> Result:
    """Execute the notebook at `path` in a new kernel started in `cwd`; its executed copy goes to `out`, the
    kernel process's own output to `kernel_log`."""
    import nbformat
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError, CellTimeoutError, DeadKernelError

    res = Result(name)
    nb = nbformat.read(path, as_version=4)
    t0 = time.monotonic()
    current = {'index': None, 'source': '', 'deadline': None}

    def cell_timeout(cell):                      # the clock starts with the first cell, after the kernel's start
        if current['deadline'] is None: current['deadline'] = time.monotonic() + timeout
        return max(1, int(current['deadline'] - time.monotonic() + 0.999))

    def on_cell_start(cell, cell_index, **kw):
        current.update(index=cell_index, source=cell.source)
        if cell.cell_type == 'code': res.cells_run += 1

    client = NotebookClient(
        nb, kernel_name=kernel, allow_errors=False, startup_timeout=120, record_timing=False,
        timeout_func=cell_timeout,
        resources={'metadata': {'path': str(cwd)}}, on_cell_start=on_cell_start)
    # the kernel's own stdout/stderr (not the cells' outputs) go to a file, shown if the kernel dies
    klog = open(kernel_log, 'w+b') if kernel_log else None
    try:
        kw = dict(env=env) | (dict(stdout=klog, stderr=klog) if klog else {})
        await asyncio.wait_for(client.async_execute(**kw), timeout + 240)  # the cells' own timeout comes first
    except CellTimeoutError:
        res.error = f'timed out: the notebook ran for more than {timeout:g}s'
    except asyncio.TimeoutError:
        res.error = f'timed out: the notebook did not finish within {timeout + 240:g}s'
    except CellExecutionError as e:
        msg = f'{e.ename}: {e.evalue}' if getattr(e, 'ename', None) else str(e).strip().splitlines()[-1]
        res.error = ' '.join(msg.split())[:300]
    except DeadKernelError as e:
        res.error = f'the kernel died ({" ".join(str(e).split())[:200]})'
    except Exception as e:                                         # kernel failed to start, bad notebook, ...
        res.error = f'{type(e).__name__}: {" ".join(str(e).split())[:300]}'
    finally:
        if klog:
            klog.seek(0)
            tail = klog.read().decode(errors='replace').strip().splitlines()
            klog.close()
            noise = 'Kernel is running over TCP without encryption'
            tail = [l for l in tail if noise not in l][-10:]
            if res.error and ('kernel' in res.error.lower() or res.cells_run == 0) and tail:
                res.error += '\n' + '\n'.join('kernel: ' + l for l in tail)
    res.seconds = time.monotonic() - t0
    if res.error and current['index'] is not None:
        res.cell, res.cell_source = current['index'], current['source']
    if out is not None:
        dest = out/name
        dest.parent.mkdir(parents=True, exist_ok=True)
        nbformat.write(nb, dest)
    return res


def copy_project(root: Path, dest: Path) -> Path:
    "Copy the project at `root` into `dest/<root's name>` without VCS, venv and build folders."
    target = dest/root.name
    shutil.copytree(root, target, ignore=shutil.ignore_patterns(*NOT_COPIED), symlinks=True)
    return target


async def run_all(root: Path, notebooks: list[Path], jobs: int = 2, timeout: float = 900,
                  kernel: str = 'python3', out: Path | None = None, log=None) -> list[Result]:
    "Run `notebooks` (relative to the project's notebooks folder), each on its own copy of the project, `jobs` at a time."
    nbs = nbs_path(root)
    sem = asyncio.Semaphore(max(1, jobs))
    with tempfile.TemporaryDirectory(prefix='run_notebooks-') as tmp:
        logs = Path(tmp)/'kernel-logs'
        logs.mkdir()

        async def one(i: int, rel: Path) -> Result:
            async with sem:
                if log: log(f'  start {rel.as_posix()}')
                # its own copy: a notebook's closing nbdev_export() rewrites the package, which must not happen under
                # another notebook that is importing it at that moment
                copy = copy_project(root, Path(tmp)/str(i))
                copy_nbs = copy/nbs.relative_to(root)
                klog = logs/(rel.as_posix().replace('/', '__') + '.log')
                r = await run_one(copy_nbs/rel, (copy_nbs/rel).parent, rel.as_posix(), timeout, kernel, kernel_env(copy), out, klog)
                if log: log(f"  {'ok   ' if r.ok else 'ERROR'} {rel.as_posix()} ({r.seconds:.1f}s)")
                return r

        return list(await asyncio.gather(*(one(i, rel) for i, rel in enumerate(notebooks))))


def table(results: list[Result]) -> str:
    w = max([len(r.notebook) for r in results] + [8])
    lines = [f"{'notebook':<{w}}  {'seconds':>7}  result", f"{'-' * w}  {'-' * 7}  {'-' * 6}"]
    for r in results:
        if r.ok:
            lines.append(f'{r.notebook:<{w}}  {r.seconds:7.1f}  ok ({r.cells_run} code cells)')
            continue
        where = f'cell {r.cell}: ' if r.cell is not None else ''
        first, *more = r.error.splitlines()
        lines.append(f'{r.notebook:<{w}}  {r.seconds:7.1f}  ERROR {where}{first}')
        lines += [f"{'':<{w}}  {'':>7}    {l}" for l in more]
        if r.cell_source: lines.append(f"{'':<{w}}  {'':>7}    in: {first_lines(r.cell_source)}")
    bad = sum(not r.ok for r in results)
    lines.append(f'run_notebooks: {len(results)} notebooks, ' + (f'{bad} failed' if bad else 'all ran without error'))
    return '\n'.join(lines)


def main(argv=None) -> int:
    p = argparse.ArgumentParser(prog='python tools/run_notebooks.py', description=__doc__.split('\n\n')[0])
    p.add_argument('--root', type=Path, default=ROOT, help='the nbdev project (default: this repo)')
    p.add_argument('--jobs', type=int, default=2, help='notebooks run at the same time (default 2)')
    p.add_argument('--timeout', type=float, default=900, help='seconds allowed per notebook (default 900)')
    p.add_argument('--kernel', default='python3', help='kernel name (default python3, the running Python)')
    p.add_argument('--out', type=Path, help='write the executed notebooks here')
    p.add_argument('notebooks', nargs='*', type=Path, help='only these notebooks (default: all under nbs_path)')
    a = p.parse_args(argv)
    t0 = time.time()
    root = a.root.resolve()
    nbs = nbs_path(root)
    if a.notebooks:
        notebooks = []
        for n in a.notebooks:
            n = n.resolve()
            if n.suffix != '.ipynb' or not n.is_file() or not n.is_relative_to(nbs):
                print(f'run_notebooks: {n} is not a notebook under {nbs}', file=sys.stderr)
                return 2
            notebooks.append(n.relative_to(nbs))
    else: notebooks = find_notebooks(nbs)
    if not notebooks:
        print(f'run_notebooks: no notebooks under {nbs}', file=sys.stderr)
        return 2
    log = lambda s: print(s, file=sys.stderr, flush=True)
    log(f'run_notebooks: {len(notebooks)} notebooks, {a.jobs} at a time, kernel {a.kernel} ({sys.executable}), '
        f'at most {a.timeout:g}s each')
    out = a.out.resolve() if a.out else None
    results = asyncio.run(run_all(root, notebooks, jobs=a.jobs, timeout=a.timeout, kernel=a.kernel, out=out, log=log))
    print(table(results))
    print(f'run_notebooks: {time.time() - t0:.1f}s', file=sys.stderr)
    return 0 if all(r.ok for r in results) else 1


if __name__ == '__main__':
    sys.exit(main())
