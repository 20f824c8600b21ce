"""Agreements and provisions are public law: reference material for every active user."""

from apps.agreements.models import Agreement, Provision
from apps.core import scoping

scoping.register(Agreement, visible=scoping.everyone_active(Agreement))
scoping.register(Provision, visible=scoping.everyone_active(Provision))
