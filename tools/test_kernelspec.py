"""Tests of tools/kernelspec.py, and that every notebook of the repo has a Python 3 kernelspec:
`python -m pytest -q tools`."""
import copy, json, subprocess, sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import kernelspec as ks


def write(path, nb):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(ks.dumps(nb), encoding='utf-8')
    return path


def notebook(**meta):
    return {'cells': [{'cell_type': 'markdown', 'id': 'a1', 'metadata': {}, 'source': ['# Título ✓']}],
            'metadata': meta, 'nbformat': 4, 'nbformat_minor': 5}


def test_every_notebook_has_a_python3_kernelspec():
    "JupyterLab asks for a kernel on a notebook without one. Fix: python tools/kernelspec.py"
    paths = ks.notebooks(ks.nbs_path(ks.ROOT))
    assert len(paths) > 10
    bad = [p.relative_to(ks.ROOT).as_posix() for p in ks.missing(paths)]
    assert not bad, f'{len(bad)} notebooks without the Python 3 kernelspec (run python tools/kernelspec.py): {bad}'


def test_sets_only_the_kernelspec(tmp_path):
    (tmp_path/'settings.ini').write_text('[DEFAULT]\nnbs_path = nbs\n')
    jt = {'jupytext': {'main_language': 'python'}}
    a = write(tmp_path/'nbs/00_a.ipynb', notebook(**jt))
    b = write(tmp_path/'nbs/tutorials/b.ipynb', notebook(kernelspec={'display_name': 'Python 3', 'name': 'python3'}))
    c = write(tmp_path/'nbs/c.ipynb', notebook(kernelspec=dict(ks.KERNELSPEC)))
    write(tmp_path/'nbs/.ipynb_checkpoints/00_a-checkpoint.ipynb', notebook())
    before_c = c.read_text()
    run = lambda *args: subprocess.run([sys.executable, ks.__file__, '--root', str(tmp_path), *args],
                                       capture_output=True, text=True, timeout=60)
    r = run('--check')
    assert r.returncode == 1 and '00_a.ipynb has no' in r.stdout and 'b.ipynb has no' in r.stdout, r.stdout
    assert '1 of 3 notebooks' in r.stdout and 'checkpoint' not in r.stdout
    r = run()
    assert r.returncode == 0 and '2 of 3 notebooks changed' in r.stdout, r.stdout
    nb = json.loads(a.read_text(encoding='utf-8'))
    assert nb['metadata'] == {**jt, 'kernelspec': ks.KERNELSPEC}
    assert nb['cells'] == notebook()['cells']                          # the rest as it was, UTF-8 kept
    assert a.read_text(encoding='utf-8') == ks.dumps(nb) and '✓' in a.read_text(encoding='utf-8')
    assert json.loads(b.read_text())['metadata']['kernelspec'] == ks.KERNELSPEC
    assert c.read_text() == before_c                                 # already right: not rewritten
    assert run('--check').returncode == 0 and run().stdout.strip().endswith('0 of 3 notebooks changed')
    assert 'kernelspec' not in json.loads((tmp_path/'nbs/.ipynb_checkpoints/00_a-checkpoint.ipynb').read_text())['metadata']


def test_nbdev_clean_keeps_the_kernelspec():
    "nbdev_clean (its clean_nb, with this repo's settings) leaves the kernelspec exactly as the script sets it."
    from nbdev.clean import clean_nb
    nb = notebook(jupytext={'main_language': 'python'}, kernelspec=dict(ks.KERNELSPEC),
                  language_info={'name': 'python', 'version': '3.11.7'})
    cleaned = copy.deepcopy(nb)
    clean_nb(cleaned, allowed_cell_metadata_keys=['jupyter'])
    assert cleaned['metadata'] == {'jupytext': {'main_language': 'python'}, 'kernelspec': ks.KERNELSPEC}
    # JupyterLab's own "Python 3" display name would be rewritten by nbdev_clean: hence display_name python3
    lab = notebook(kernelspec={'display_name': 'Python 3', 'language': 'python', 'name': 'python3'})
    clean_nb(lab)
    assert lab['metadata']['kernelspec'] == ks.KERNELSPEC
