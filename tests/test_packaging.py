"""pyproject.toml, environment.yml, the lock file and the Makefile agree with each other."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

from packaging.requirements import Requirement

REPO = Path(__file__).resolve().parents[1]
PYPROJECT = tomllib.loads((REPO / "pyproject.toml").read_text())


BOOK_EXTRA = "book"
"""The extra only `make book` installs (Sphinx and friends): not in environment.yml, Binder builds no book."""


def _pyproject_requirements(*, book=True):
    reqs = list(PYPROJECT["project"]["dependencies"])
    for name, extra in PYPROJECT["project"]["optional-dependencies"].items():
        if book or name != BOOK_EXTRA:
            reqs += extra
    return {Requirement(r).name.lower(): Requirement(r) for r in reqs}


def _applicable_requirements():
    """The requirements whose environment marker holds on this machine."""
    return {n: r for n, r in _pyproject_requirements().items() if r.marker is None or r.marker.evaluate()}


def _dependency_lines():
    text = (REPO / "environment.yml").read_text()
    return text.split("dependencies:", 1)[1].splitlines()


def _environment_yml_names():
    names = set()
    for line in _dependency_lines():
        m = re.match(r"^\s*-\s+([A-Za-z0-9_.\-]+)\s*([<>=!~][^;#]*?)?\s*(;[^#]*)?(#.*)?$", line)
        if m and m.group(1) not in {"pip", "python", "-e"}:
            names.add(m.group(1).lower())
    return names


def _lock():
    pins = {}
    for line in (REPO / "requirements.lock").read_text().splitlines():
        if "==" in line and not line.startswith("#"):
            name, version = line.split("==", 1)
            pins[name.strip().lower().replace("_", "-")] = version.strip()
    return pins


def test_environment_yml_names_the_same_packages_as_pyproject():
    assert _environment_yml_names() == set(_pyproject_requirements(book=False))


def test_binder_installs_the_package_and_tensorflow_once():
    """repo2docker installs environment.yml, `-e .` included; TensorFlow comes from pip under
    pyproject.toml's names, so `-e .` finds it installed instead of fetching a second copy."""
    lines = [line.split("#", 1)[0].strip() for line in _dependency_lines()]
    conda, pip = lines[:lines.index("- pip:")], [line[2:] for line in lines[lines.index("- pip:") + 1:] if line]
    assert "-e ." in pip, "environment.yml must install the dlnotes package itself"
    pip_reqs = [Requirement(line) for line in pip if not line.startswith("-")]
    for req in map(Requirement, PYPROJECT["project"]["dependencies"]):
        if req.name.startswith("tensorflow"):
            assert req in pip_reqs, f"environment.yml's pip section must name {req} as pyproject.toml does"
    assert not any(re.match(r"- tensorflow\b", line) for line in conda), \
        "a conda tensorflow does not satisfy pip's tensorflow-cpu: TensorFlow would be installed twice"


def test_every_dependency_in_environment_yml_says_which_chapter_needs_it():
    for line in _dependency_lines():
        if re.match(r"^\s*-\s+[a-z]", line) and not re.match(r"^\s*-\s+(pip|python)\b", line):
            assert "#" in line, f"environment.yml line has no comment saying why: {line.strip()}"


def test_every_direct_dependency_bounded_above_and_below():
    for name, req in _pyproject_requirements().items():
        ops = {s.operator for s in req.specifier}
        assert ops & {">=", ">", "~=", "=="} and ops & {"<", "<=", "~=", "=="}, f"{name} needs a bounded range"


def test_lock_pins_every_direct_dependency_inside_its_range():
    pins = _lock()
    for name, req in _applicable_requirements().items():
        assert name in pins, f"requirements.lock does not pin {name}; run `make lock`"
        assert req.specifier.contains(pins[name], prereleases=True), f"{name}=={pins[name]} is outside {req.specifier}"


def test_makefile_has_the_documented_targets():
    text = (REPO / "Makefile").read_text()
    for target in ("lab:", "test:", "clean:", "bench:", "lock:"):
        assert re.search(rf"^{target}", text, re.M), f"Makefile lacks {target}"
    assert "-c requirements.lock" in text, "make must install from the lock file"
    assert "--ServerApp.ip=127.0.0.1" in text and "00_index.ipynb" in text


def test_readme_gives_the_two_commands():
    text = (REPO / "README.md").read_text()
    assert "make lab" in text and "make test" in text


def test_ci_runs_make_test():
    assert "make test" in (REPO / ".ci" / "run").read_text()


def test_the_package_map_names_every_module_and_every_explorer_module():
    import pkgutil

    import dlnotes
    import dlnotes.explorers

    doc = dlnotes.__doc__
    for mod in pkgutil.iter_modules(dlnotes.__path__):
        assert f"``{mod.name}``" in doc, f"dlnotes/__init__.py's map does not name the module {mod.name}"
    for mod in pkgutil.iter_modules(dlnotes.explorers.__path__):
        assert f"``{mod.name}``" in doc, f"the map does not name dlnotes.explorers.{mod.name}"
        assert f"``{mod.name}``" in dlnotes.explorers.__doc__, f"dlnotes/explorers/__init__.py does not name {mod.name}"
