"""Tests of tools/run_notebooks.py: `python -m pytest -q tools`.

Small projects of hand-made notebooks are run in real kernels (a few seconds each)."""
import asyncio, json, os, subprocess, sys
from pathlib import Path

import nbformat

sys.path.insert(0, str(Path(__file__).resolve().parent))
import run_notebooks as rn


def write_nb(path: Path, *sources, tags=None):
    "A notebook of code cells; `tags` maps a cell index to its tags."
    nb = nbformat.v4.new_notebook()
    nb.metadata['kernelspec'] = {'display_name': 'Python 3', 'language': 'python', 'name': 'python3'}
    nb.cells = [nbformat.v4.new_markdown_cell('# A title')] + [nbformat.v4.new_code_cell(s) for s in sources]
    for i, t in (tags or {}).items(): nb.cells[i + 1].metadata['tags'] = t
    path.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, path)
    return path


def project(tmp_path: Path, nbs='notebooks') -> Path:
    (tmp_path/'settings.ini').write_text(f'[DEFAULT]\nlib_name = demo\nnbs_path = {nbs}\n')
    return tmp_path/nbs


def test_find_notebooks_recursively_index_first_without_checkpoints(tmp_path):
    nbs = project(tmp_path)
    assert rn.nbs_path(tmp_path) == nbs
    for p in ['b.ipynb', 'index.ipynb', 'a.ipynb', 'sub/index.ipynb', 'sub/01_x.ipynb',
              '.ipynb_checkpoints/a-checkpoint.ipynb', 'sub/.ipynb_checkpoints/x-checkpoint.ipynb', '.hidden.ipynb']:
        write_nb(nbs/p, '1')
    (nbs/'notes.md').write_text('not a notebook')
    assert [p.as_posix() for p in rn.find_notebooks(nbs)] == [
        'index.ipynb', 'a.ipynb', 'b.ipynb', 'sub/index.ipynb', 'sub/01_x.ipynb']


def test_kernel_env(monkeypatch, tmp_path):
    monkeypatch.setenv('MPLBACKEND', 'Agg')
    monkeypatch.setenv('PYTHONPATH', '/elsewhere')
    env = rn.kernel_env(tmp_path)
    assert 'MPLBACKEND' not in env and env['PYTHONPATH'] == f'{tmp_path}:/elsewhere'


def test_first_lines():
    assert rn.first_lines('\n#| export\nx = 1\n\ny = 2\nz = 3\n') == '#| export ⏎ x = 1'
    assert rn.first_lines('a' * 150, 1, 20) == 'a' * 19 + '…'


# Cells a reader's "Run All" runs but nbdev_test would skip or never sees: each leaves a mark the last cell checks.
GOOD = ['import os, sys\ncwd = os.getcwd()\nmarks = []',
        '#| slow\nmarks.append("slow")',
        '#| notest\nmarks.append("notest")',
        '#| eval: false\nmarks.append("eval: false")',
        '1/0  # tagged raises-exception: JupyterLab and nbclient go on',
        'import matplotlib\nbackend = matplotlib.get_backend()\nimport matplotlib.pyplot as plt\nplt.plot([1, 2]); plt.show()',
        'open("written-by-the-notebook.txt", "w").write("x")\nfrom demo import VALUE',
        'assert marks == ["slow", "notest", "eval: false"], marks\nprint(cwd, backend, VALUE)']
BAD = ['x = 1', 'def f():\n    raise ValueError("boom in f")\nf()', 'print("never runs")']


def test_run_notebooks_end_to_end(tmp_path):
    nbs = project(tmp_path)
    (tmp_path/'demo').mkdir()
    (tmp_path/'demo/__init__.py').write_text('VALUE = 42\n')
    good = write_nb(nbs/'sub/good.ipynb', *GOOD, tags={4: ['raises-exception']})
    bad = write_nb(nbs/'bad.ipynb', *BAD)
    write_nb(nbs/'.ipynb_checkpoints/bad-checkpoint.ipynb', 'raise SystemExit')
    before = {p: p.read_bytes() for p in tmp_path.rglob('*') if p.is_file()}
    out = tmp_path.parent/(tmp_path.name + '-out')
    res = subprocess.run([sys.executable, str(Path(rn.__file__)), '--root', str(tmp_path), '--out', str(out)],
                         capture_output=True, text=True, timeout=300, env={**os.environ, 'MPLBACKEND': 'Agg'})   # as .ci/run
    assert res.returncode == 1, res.stdout + res.stderr
    lines = res.stdout.splitlines()
    assert lines[0].split() == ['notebook', 'seconds', 'result']
    row = {l.split()[0]: l for l in lines[2:]}
    assert row['sub/good.ipynb'].split()[2:] == ['ok', '(8', 'code', 'cells)']
    assert row['bad.ipynb'].split()[2:] == ['ERROR', 'cell', '2:', 'ValueError:', 'boom', 'in', 'f']
    i = lines.index(row['bad.ipynb'])
    assert lines[i + 1].strip() == 'in: def f(): ⏎     raise ValueError("boom in f")'
    assert lines[-1] == 'run_notebooks: 2 notebooks, 1 failed'
    assert 'checkpoint' not in res.stdout
    # the working tree is untouched: same files, same bytes; nothing the notebooks wrote
    assert {p: p.read_bytes() for p in tmp_path.rglob('*') if p.is_file()} == before
    # the executed copies: run in their own folder (of a copy), with the inline backend, the project importable
    ran = nbformat.read(out/'sub/good.ipynb', as_version=4)
    cwd, backend, value = ran.cells[-1].outputs[0]['text'].split()
    assert Path(cwd).name == 'sub' and Path(cwd).parent.name == 'notebooks' and Path(cwd) != good.parent
    assert 'inline' in backend and value == '42'
    assert any('image/png' in o.get('data', {}) for o in ran.cells[6].outputs)
    assert ran.cells[5].outputs[0]['ename'] == 'ZeroDivisionError'
    ran_bad = nbformat.read(out/'bad.ipynb', as_version=4)
    assert ran_bad.cells[3].outputs == [] and ran_bad.cells[3].get('execution_count') is None


def test_time_limit_and_a_dying_kernel(tmp_path):
    nbs = project(tmp_path, 'nbs')
    write_nb(nbs/'slow.ipynb', 'x = 1', 'import time\ntime.sleep(60)')
    write_nb(nbs/'dies.ipynb', 'import os\nos._exit(3)')
    results = asyncio.run(rn.run_all(tmp_path, rn.find_notebooks(nbs), jobs=2, timeout=3))
    r = {x.notebook: x for x in results}
    assert r['slow.ipynb'].error == 'timed out: the notebook ran for more than 3s' and r['slow.ipynb'].cell == 2
    assert 3 <= r['slow.ipynb'].seconds < 30
    assert r['dies.ipynb'].error.startswith('the kernel died') and r['dies.ipynb'].cell == 1
    table = rn.table(results)
    assert 'in: import time ⏎ time.sleep(60)' in table and table.endswith('2 notebooks, 2 failed')


def test_cli_arguments(tmp_path):
    nbs = project(tmp_path)
    run = lambda *a: subprocess.run([sys.executable, str(Path(rn.__file__)), '--root', str(tmp_path), *a],
                                    capture_output=True, text=True, timeout=120)
    assert run().returncode == 2                                  # no notebooks
    write_nb(nbs/'a.ipynb', 'print("a")')
    write_nb(nbs/'b.ipynb', 'raise ValueError("b")')
    assert run(str(tmp_path/'elsewhere.ipynb')).returncode == 2
    res = run(str(nbs/'a.ipynb'))                                 # only the notebooks named
    assert res.returncode == 0 and 'a.ipynb' in res.stdout and 'b.ipynb' not in res.stdout, res.stdout + res.stderr
    assert json.loads((nbs/'a.ipynb').read_text())['cells'][1]['outputs'] == []
