"""Install the requirements of some of pyproject.toml's extras, not fastconv itself.

    python tools/pip_extras.py typing docs wheel

(`pip install ".[docs]"` would build fastconv again; CI has it installed already.)
"""
import pathlib
import subprocess
import sys

try:
    import tomllib
except ImportError:  # Python < 3.11
    import tomli as tomllib

pyproject = pathlib.Path(__file__).resolve().parents[1] / "pyproject.toml"
extras = tomllib.loads(pyproject.read_text())["project"]["optional-dependencies"]
reqs = [r for name in sys.argv[1:] for r in extras[name]]
sys.exit(subprocess.call([sys.executable, "-m", "pip", "install", "-q", *reqs]))
