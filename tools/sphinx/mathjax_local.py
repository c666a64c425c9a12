"""Sphinx extension: a local MathJax 3, only the files the pages load (no CDN, no 24 MB copy).

The files come from the PyPI package `sphinx-mathjax-offline` (MathJax 3.2, all of it: 24 MB, which that
package's own extension copies into every build). The pages load `tex-chtml.js` (Sphinx's `mathjax_path`,
set in conf.py): one file with the TeX input (its base packages, ams, newcommand, noundefined, require,
autoload, configmacros), the CommonHTML output, the menu and the assistive MathML. At run time it fetches

- the CommonHTML fonts, `output/chtml/fonts/woff-v2/*.woff`, as the page's characters need them, and
- a TeX extension, `input/tex/extensions/NAME.js`, when the page uses one of its macros (autoload:
  `\\boldsymbol`, `\\cancel`, `\\color`, ...);

so those are copied, and nothing else (no other combined component, no SVG output, no speech rule engine,
no `all-packages.js`, which autoload never fetches). The menu's optional accessibility extensions, loaded
only if a reader turns them on in MathJax's right-click menu, are not shipped.
"""
import importlib.util, shutil
from pathlib import Path

# what tex-chtml.js loads, relative to the MathJax folder: files, or folders copied whole
SHIPPED = ['tex-chtml.js', 'output/chtml/fonts/woff-v2', 'input/tex/extensions']
NOT_SHIPPED = ['input/tex/extensions/all-packages.js']       # a bundle of every extension: autoload never loads it


def mathjax_source() -> Path:
    "The MathJax folder of the installed `sphinx-mathjax-offline` package."
    spec = importlib.util.find_spec('sphinx-mathjax-offline')
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError('mathjax_local: the package sphinx-mathjax-offline is not installed (pip install -e ".[dev]")')
    return Path(list(spec.submodule_search_locations)[0])/'static'/'mathjax'


def copy_mathjax(src: Path, dest: Path):
    "Copy the shipped part of MathJax from `src` to `dest` (emptied first: no file of an older build stays)."
    if dest.exists(): shutil.rmtree(dest)
    for rel in SHIPPED:
        s, d = src/rel, dest/rel
        if s.is_dir(): shutil.copytree(s, d, ignore=lambda folder, names: [
            n for n in names if (Path(folder)/n).relative_to(src).as_posix() in NOT_SHIPPED])
        else:
            d.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(s, d)


def _copy(app, exc):
    if exc is None and app.builder.format == 'html':
        copy_mathjax(mathjax_source(), Path(app.outdir)/'_static'/'mathjax')


def setup(app):
    mathjax_source()                                   # fail at the start, not after the build
    app.connect('build-finished', _copy)
    return {'parallel_read_safe': True, 'parallel_write_safe': True}
