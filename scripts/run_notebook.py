"""Executes a notebook top to bottom (nbclient) and fails on the first cell that raises.
The outputs are not written back: the committed notebook stays without outputs.

    python scripts/run_notebook.py examples/astana.ipynb
"""

import pathlib
import sys

import nbclient
import nbformat

path = pathlib.Path(sys.argv[1]).resolve()
nb = nbformat.read(path, as_version=4)
client = nbclient.NotebookClient(
    nb, timeout=600, kernel_name="python3", resources={"metadata": {"path": str(path.parent)}}
)
client.execute()
print(f"{path.name}: {len(nb.cells)} cells ran")
