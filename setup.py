"""Package discovery, here and not in pyproject.toml for one reason: the reference CSVs in
``data/`` (the user-editable copy in a clone, and the one source of truth) go into the wheel as
the package ``etvi.referentiedata``. pyproject's ``packages.find`` cannot add a package mapped
from another folder; everything else is configured in pyproject.toml."""

from setuptools import find_namespace_packages, setup

setup(
    packages=find_namespace_packages(include=["etvi*", "models*", "etl*", "geo*", "dashboard*"]) + ["etvi.referentiedata"],
    package_dir={"etvi.referentiedata": "data"},
)
