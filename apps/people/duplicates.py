"""Finding the individuals who may be the same person as another (reads only).

Candidates come from the blind index (apps.people.blind_index): records sharing an exact keyed
form of a name. They are then scored: names both sides may read (pseudonyms and aliases) are
compared in full with rapidfuzz (apps.people.matching.compare_names); a legal name is never
decrypted here, so a pair through a legal name scores by the kind of form the keys share. Birth
years and nationalities raise or lower the score.

What a user is offered is limited twice: candidates only among the individuals they may see,
and a legal name (theirs or the candidate's) takes part only where they may read that
identity — otherwise creating people under guessed names would tell, through the candidates
offered, what a hidden person's legal name is.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from apps.core.scoping import visible
from apps.people.matching import THRESHOLD, compare_names, key_match
from apps.people.models import DuplicateCandidate, Individual, NameKey, ProtectedIdentity

# Offered from the names' threshold: a shared exact form (0.97) survives one contradicting
# detail only when the spelling is the same; a "similar spelling" (≤ 0.9) survives none.
SAME_BIRTH_YEAR, OTHER_BIRTH_YEAR = 0.03, -0.25
SAME_NATIONALITY, OTHER_NATIONALITY = 0.02, -0.25

REASONS = {
    "same_spelling": _("same name"),
    "other_script": _("same name in another script"),
    "other_spelling": _("same name in another romanization"),
    "similar_spelling": _("similar spelling"),
    "same_birth_year": _("same birth year"),
    "same_nationality": _("same nationality"),
}
VIA = {
    NameKey.Source.PSEUDONYM: _("pseudonym"),
    NameKey.Source.ALIAS: _("alias"),
    NameKey.Source.LEGAL_NAME: _("legal name"),
}


@dataclass
class Candidate:
    """One individual who may be the same person, with the score and the reasons."""

    individual: Individual
    score: float
    reasons: list[dict] = field(default_factory=list)
    via_protected: bool = False


def reason_text(reason: dict) -> str:
    """A reason as a caseworker reads it: "same name in another script (alias ↔ legal name)"."""
    text = str(REASONS.get(reason["code"], reason["code"]))
    if reason.get("on"):
        text += f" ({' ↔ '.join(str(VIA.get(side, side)) for side in reason['on'])})"
    return text


def _years(individual: Individual) -> tuple[int, int] | None:
    if individual.born_start is None:
        return None
    return individual.born_start.year, (individual.born_end or individual.born_start).year


def _score(subject: Individual, other: Individual, name_score: float, reasons: list[dict]) -> float:
    score = name_score
    mine, theirs = _years(subject), _years(other)
    if mine and theirs:
        # Overlapping year ranges (a birth known as "about 1980" is a range) are the same year;
        # a year apart is allowed for ages counted differently.
        if mine[0] <= theirs[1] and theirs[0] <= mine[1]:
            score += SAME_BIRTH_YEAR
            reasons.append({"code": "same_birth_year"})
        elif abs(mine[0] - theirs[0]) > 1:
            score += OTHER_BIRTH_YEAR
    if subject.nationality and other.nationality:
        if subject.nationality == other.nationality:
            score += SAME_NATIONALITY
            reasons.append({"code": "same_nationality"})
        else:
            score += OTHER_NATIONALITY
    return round(min(score, 1.0), 3)


def _public_names(individual: Individual) -> list[tuple[str, str]]:
    names = [(NameKey.Source.PSEUDONYM, individual.pseudonym)]
    names += [(NameKey.Source.ALIAS, alias.name) for alias in individual.aliases.all()]
    return names


def find_candidates(
    *, individual: Individual, pool: QuerySet[Individual], own_legal: bool, legal_pool: QuerySet | None
) -> list[Candidate]:
    """The individuals of ``pool`` who may be ``individual``, best first.

    ``own_legal``: whether ``individual``'s legal name takes part; ``legal_pool``: the
    individuals (ids) whose legal names may take part (None: every one). Five queries.
    """
    own = NameKey.objects.filter(individual=individual)
    if not own_legal:
        own = own.exclude(source=NameKey.Source.LEGAL_NAME)
    own_keys = defaultdict(set)
    for digest, source in own.values_list("digest", "source"):
        own_keys[digest].add(source)
    if not own_keys:
        return []
    matches = (
        NameKey.objects.filter(digest__in=list(own_keys))
        .exclude(individual=individual)
        .filter(individual__in=pool.filter(merged_into__isnull=True).values("pk"))
    )
    if legal_pool is not None:
        matches = matches.filter(~Q(source=NameKey.Source.LEGAL_NAME) | Q(individual__in=legal_pool))
    shared = defaultdict(list)  # candidate id → [(my source, their source, kind)]
    for other_id, digest, source, kind in matches.values_list("individual_id", "digest", "source", "kind"):
        for mine in own_keys[digest]:
            shared[other_id].append((mine, source, kind))
    if not shared:
        return []
    dismissed = DuplicateCandidate.objects.filter(status=DuplicateCandidate.Status.DISMISSED).filter(
        Q(first=individual, second__in=list(shared)) | Q(second=individual, first__in=list(shared))
    )
    dismissed_ids = {pk for pair in dismissed.values_list("first_id", "second_id") for pk in pair}
    others = Individual.objects.filter(
        pk__in=[pk for pk in shared if pk not in dismissed_ids]
    ).prefetch_related("aliases")
    my_names = _public_names(individual)
    candidates = []
    for other in others:
        best, best_reason, via_protected = 0.0, None, False
        # Names both sides may read: compared in full.
        for my_source, my_name in my_names:
            for their_source, their_name in _public_names(other):
                match = compare_names(my_name, their_name)
                if match and match.score > best:
                    best, best_reason = match.score, {"code": match.kind, "on": [my_source, their_source]}
        # A legal name on either side: the kinds of forms the keys share, nothing more.
        legal = defaultdict(set)
        for mine, theirs, kind in shared[other.pk]:
            if NameKey.Source.LEGAL_NAME in (mine, theirs):
                legal[(mine, theirs)].add(kind)
        for sides, kinds in legal.items():
            match = key_match(kinds)
            if match and match.score > best:
                best, best_reason, via_protected = match.score, {"code": match.kind, "on": list(sides)}, True
        if best_reason is None:
            continue
        reasons = [best_reason]
        score = _score(individual, other, best, reasons)
        if score >= THRESHOLD:
            candidates.append(
                Candidate(individual=other, score=score, reasons=reasons, via_protected=via_protected)
            )
    candidates.sort(
        key=lambda candidate: (-candidate.score, candidate.individual.pseudonym, candidate.individual.pk)
    )
    return candidates


def may_read_identity(*, user, individual: Individual) -> bool:
    """Whether ``user`` may read ``individual``'s protected identity (permission and scoping)."""
    return (
        user.has_perm("people.view_protectedidentity")
        and visible(ProtectedIdentity, user).filter(individual=individual).exists()
    )


def individual_duplicates(*, individual: Individual, user) -> list[Candidate]:
    """The individuals ``user`` may see who may be ``individual``, with score and reasons."""
    reads_identities = user.has_perm("people.view_protectedidentity")
    legal_pool = (
        visible(ProtectedIdentity, user).values("individual_id")
        if reads_identities
        else Individual.objects.none().values("pk")
    )
    return find_candidates(
        individual=individual,
        pool=visible(Individual, user),
        own_legal=reads_identities and may_read_identity(user=user, individual=individual),
        legal_pool=legal_pool,
    )


def duplicate_candidate_list(*, user) -> QuerySet[DuplicateCandidate]:
    """The stored pairs ``user`` may review: both records visible, a legal name only if both identities are readable."""
    people = visible(Individual, user).values("pk")
    pairs = DuplicateCandidate.objects.select_related("first", "second").filter(
        first__in=people, second__in=people
    )
    if not user.has_perm("people.view_protectedidentity"):
        return pairs.filter(via_protected=False)
    identities = visible(ProtectedIdentity, user).values("individual_id")
    return pairs.filter(Q(via_protected=False) | Q(first__in=identities, second__in=identities))
