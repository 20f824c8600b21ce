"""The name matcher on its own: forms across scripts, and the benchmark's targets."""

import importlib.util
import sys
from pathlib import Path

import pytest

from apps.people.matching import KOREAN, RUSSIAN, compare_names, name_forms

BENCHMARK = Path(__file__).resolve().parents[2] / "benchmarks" / "name_matching.py"


def _benchmark():
    spec = importlib.util.spec_from_file_location("name_matching_benchmark", BENCHMARK)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


def test_the_benchmark_meets_the_targets_on_the_labelled_set():
    benchmark = _benchmark()
    result = benchmark.run()
    assert result.positives == 602 and result.negatives == 47293
    assert result.precision >= benchmark.TARGET_PRECISION
    assert result.recall >= benchmark.TARGET_RECALL


@pytest.mark.parametrize(
    "spelling", ["김은철", "Ким Ын Чхоль", "Kim Eun-chol", "Gim Eun-cheol", "Kim Ŭn-ch'ŏl", "Kim Un-chol"]
)
def test_every_spelling_of_kim_eun_chol_has_one_korean_form(spelling):
    assert name_forms(spelling)[KOREAN] == "KIMUNCOL"


@pytest.mark.parametrize(
    "spelling",
    ["Любовь Татарец", "Liubov Tatarets", "Lyubov' Tatarets", "Lûbovʹ Tatarec", "Lyubov` Tatarecz"],
)
def test_the_russian_transliterations_fold_to_one_form(spelling):
    assert name_forms(spelling)[RUSSIAN] == "lubov tatareZ"


def test_it_keeps_two_kims_of_one_family_apart():
    assert compare_names("Kim Jong-il", "Kim Jong-un") is None
    assert compare_names("Kim", "Kim Eun-chol") is None


def test_it_says_how_two_names_match():
    assert compare_names("Kim Eun-chol", "kim eun-chol").kind == "same_spelling"
    assert compare_names("Kim Eun-chol", "김은철").kind == "other_script"
    assert compare_names("Kim Eun-chol", "Gim Eun-cheol").kind == "other_spelling"
    assert compare_names("Lee Myung-bak", "I Myeong-bak").kind == "similar_spelling"
