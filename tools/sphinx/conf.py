"""Sphinx configuration of the offline docs site (see tools/docs.py, which builds with it).

tools/docs.py converts nbdev's processed notebooks into notebooks for myst-nb and passes the project's
name, author, copyright and version from settings.ini with -D; everything else is here.
"""
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))   # tools/, for docs.pandoc_slug
sys.path.insert(0, str(Path(__file__).resolve().parent))          # tools/sphinx/, for mathjax_local

project = 'capa_nb'                       # overridden from settings.ini by tools/docs.py

extensions = [
    'myst_nb',                            # notebooks (and MyST markdown) as pages
    'mathjax_local',                      # MathJax 3 from sphinx-mathjax-offline: only what the pages load
    'sphinx.ext.githubpages',             # .nojekyll, so GitHub Pages serves _static/
]

mathjax_path = 'mathjax/tex-chtml.js'     # in _static/, copied there by mathjax_local

root_doc = 'index'
exclude_patterns = ['**.ipynb_checkpoints', '_build']

# myst-nb: the outputs committed in the notebooks are shown; nothing is executed here
nb_execution_mode = 'off'
nb_merge_streams = True
nb_render_markdown_format = 'myst'        # text/markdown outputs may hold math and MyST
myst_enable_extensions = [
    'dollarmath',                         # $...$ and $$...$$
    'amsmath',                            # \begin{align} ... \end{align} blocks
    'attrs_inline',                       # [source](url){.nbdev-source} under a show_doc heading
    'attrs_block',                        # {.nbdev-description} on the page's description
]
myst_dmath_double_inline = True           # $$...$$ inside a paragraph, as Quarto allows
myst_heading_anchors = 6                  # `page.html#heading` links resolve, with heading anchors
myst_heading_slug_func = 'docs.pandoc_slug'   # ... named as pandoc/Quarto/nbdev name them (`capa.forward`)
suppress_warnings = [
    'myst.header',                        # show_doc's ### headings may follow an # title directly
]

# HTML
html_theme = 'furo'
html_static_path = ['_static']
html_css_files = ['nbdev.css']
html_copy_source = False                  # the notebooks are in the repo; don't ship them twice
html_show_sourcelink = False
html_last_updated_fmt = None
