"""What a user of the installed package relies on: the public names, the version, the typing
marker and the metadata."""

import subprocess
import sys
from importlib import metadata, resources

import pytest

import smsclf


@pytest.mark.parametrize("name", [n for n in smsclf.__all__ if n != "__version__"])
def test_every_public_name_resolves_and_says_what_it_is(name):
    obj = getattr(smsclf, name)
    assert obj.__doc__ and obj.__doc__.strip(), name
    assert name in dir(smsclf)


def test_an_unknown_name_is_an_attribute_error():
    with pytest.raises(AttributeError, match="no attribute 'nothing_here'"):
        smsclf.nothing_here  # noqa: B018


def test_classifying_imports_no_training_or_dataframe_library():
    code = ("import sys, smsclf; smsclf.classify('法院'); smsclf.info(); "
            "heavy = [m for m in ('numpy', 'sklearn', 'pandas', 'dask', 'distributed') "
            "if m in sys.modules]; print(heavy); sys.exit(bool(heavy))")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_one_version_everywhere():
    assert metadata.version("smsclf") == smsclf.__version__
    proc = subprocess.run([sys.executable, "-m", "smsclf", "--version"], capture_output=True,
                          text=True)
    assert proc.stdout.split()[1] == smsclf.__version__


def test_the_package_is_typed_and_its_metadata_complete():
    assert resources.files("smsclf").joinpath("py.typed").is_file()
    meta = metadata.metadata("smsclf")
    assert meta.get("License-Expression") == "MIT"
    classifiers = meta.get_all("Classifier")
    assert "Typing :: Typed" in classifiers
    assert not [c for c in classifiers if c.startswith("License ::")]  # SPDX replaces them
    assert meta.get_all("Project-URL")
