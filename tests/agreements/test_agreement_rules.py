import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from apps.agreements.models import Agreement
from apps.agreements.services import agreement_create, provision_add
from tests.factories import AgreementFactory

pytestmark = pytest.mark.django_db


def test_it_keeps_the_lifecycle_in_order():
    agreement = agreement_create(title="Readmission", kind=Agreement.Kind.READMISSION,
                                 party_countries=["RU", "KP"], drafted="2 Sep 2014", signed="February 2016")
    assert [(label, str(date)) for label, date in agreement.milestones()] == [
        ("drafted", "2 Sep 2014"),
        ("signed", "February 2016"),
    ]
    with pytest.raises(ValidationError) as error:
        agreement_create(title="Backwards", kind=Agreement.Kind.READMISSION, drafted="2016", signed="2014")
    assert "signed" in error.value.message_dict


def test_the_database_refuses_a_lifecycle_out_of_order():
    agreement = AgreementFactory()
    agreement.signed, agreement.ratified = "2016", "2015"
    with pytest.raises(IntegrityError), transaction.atomic():
        agreement.save()


def test_a_provision_time_limit_is_a_positive_number_of_days():
    agreement = AgreementFactory()
    provision = provision_add(agreement=agreement, summary="Deportation within 30 days.", time_limit_days=30)
    assert provision.position == 1
    with pytest.raises(ValidationError):
        provision_add(agreement=agreement, summary="Nonsense", time_limit_days=0)
