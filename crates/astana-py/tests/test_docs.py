import doctest

import pytest

import astana


@pytest.mark.parametrize(
    "module",
    [astana, astana.power, astana.negotiation, astana.balance, astana.corridor, astana.forum],
    ids=lambda m: m.__name__,
)
def test_the_docstring_examples_run(module):
    r = doctest.testmod(module, extraglobs={"astana": astana}, optionflags=doctest.ELLIPSIS)
    assert r.failed == 0


def test_the_package_is_typed():
    import pathlib

    here = pathlib.Path(astana.__file__).parent
    assert (here / "py.typed").exists()
    for m in ("power", "negotiation", "balance", "corridor", "forum", "_native", "__init__"):
        assert (here / f"{m}.pyi").exists(), m
