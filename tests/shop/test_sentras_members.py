"""Members, roles, invitations and ownership transfer of a sentra (/kelola/<slug>/anggota)."""
from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from shop.accounts.signals import email_verified
from shop.db import utcnow
from shop.extensions import db
from shop.sentras import members
from shop.sentras.models import Role, SentraInvite, SentraMembership
from tests.factories import add_member, make_invite, make_sentra, make_user

KEL = "32.75.08.1001"


@pytest.fixture
def owner():
    return make_user("pemilik@example.test", name="Pemilik")


@pytest.fixture
def sentra(owner):
    return make_sentra(KEL, owner=owner)


def role_of(sentra_id: int, user_id: int) -> str | None:
    return db.session.scalar(
        select(SentraMembership.role).where(
            SentraMembership.sentra_id == sentra_id, SentraMembership.user_id == user_id
        )
    )


def owners(sentra_id: int) -> int:
    return db.session.scalar(
        select(func.count(SentraMembership.id)).where(
            SentraMembership.sentra_id == sentra_id, SentraMembership.role == Role.OWNER
        )
    )


def login_as(auth, user) -> None:
    db.session.commit()
    auth.login(user.email)


# Pages ------------------------------------------------------------------------------------


def test_members_page_lists_members_and_pending_invites(client, auth, sentra, owner):
    add_member(sentra, make_user("anggota@example.test", name="Anggota Satu"))
    make_invite(sentra, "calon@example.test")
    login_as(auth, owner)
    page = client.get(f"/kelola/{sentra.slug}/anggota").get_data(as_text=True)
    assert "Anggota Satu" in page and "calon@example.test" in page


def test_manage_home_of_suspended_sentra_shows_the_reason(client, auth, sentra, owner):
    sentra.status, sentra.status_reason = "suspended", "Produk tidak sesuai standar"
    login_as(auth, owner)
    page = client.get(f"/kelola/{sentra.slug}/").get_data(as_text=True)
    assert "Produk tidak sesuai standar" in page


def test_member_edits_the_profile_but_not_the_kelurahan(client, auth, sentra):
    member = make_user()
    add_member(sentra, member)
    login_as(auth, member)
    response = client.post(
        f"/kelola/{sentra.slug}/profil",
        data={
            "name": "Sentra Baru",
            "subsectors": ["musik"],
            "description": "Cerita baru yang cukup panjang untuk disimpan.",
            "whatsapp": "0813 1111 2222",
            "address": "Jl. Baru 2",
            "kelurahan": "32.75.01.1001",
        },
    )
    assert response.status_code == 302
    db.session.refresh(sentra)
    assert sentra.name == "Sentra Baru" and sentra.whatsapp == "+6281311112222"
    assert [s.code for s in sentra.subsectors] == ["musik"]
    assert sentra.kelurahan_code == KEL


def test_invalid_profile_is_refused_and_keeps_what_was_typed(client, auth, sentra, owner):
    login_as(auth, owner)
    response = client.post(
        f"/kelola/{sentra.slug}/profil",
        data={"name": "Nama Dicoba", "subsectors": [], "description": "x", "whatsapp": "1", "address": ""},
    )
    assert response.status_code == 400
    assert "Nama Dicoba" in response.get_data(as_text=True)
    db.session.refresh(sentra)
    assert sentra.name != "Nama Dicoba"


# Invitations ------------------------------------------------------------------------------


def test_inviting_an_unregistered_address_emails_an_invitation_to_register(
    client, auth, sentra, owner, mail_outbox
):
    login_as(auth, owner)
    response = client.post(
        f"/kelola/{sentra.slug}/anggota/undang", data={"email": "Baru@Example.test", "role": "manager"}
    )
    assert response.status_code == 302
    invite = db.session.scalar(select(SentraInvite))
    assert (invite.email, invite.role) == ("baru@example.test", Role.MANAGER)
    assert [m["To"] for m in mail_outbox] == ["baru@example.test"]
    assert "/register" in mail_outbox[0].get_content()


def test_inviting_a_verified_user_emails_a_link_to_their_invitations(client, auth, sentra, owner, mail_outbox):
    make_user("warga@example.test")
    login_as(auth, owner)
    client.post(f"/kelola/{sentra.slug}/anggota/undang", data={"email": "warga@example.test", "role": "member"})
    assert "/undangan" in mail_outbox[0].get_content()
    assert db.session.scalar(select(func.count(SentraMembership.id))) == 1  # waits for acceptance


def test_invites_become_memberships_when_the_email_is_verified(sentra):
    make_invite(sentra, "nanti@example.test", Role.MANAGER)
    user = make_user("nanti@example.test", verified=False)
    user.email_verified_at = utcnow()
    email_verified.send(user)
    assert role_of(sentra.id, user.id) == Role.MANAGER
    assert db.session.scalar(select(func.count(SentraInvite.id))) == 0


def test_unverified_user_gets_no_membership_from_invites(sentra):
    make_invite(sentra, "nanti@example.test")
    user = make_user("nanti@example.test", verified=False)
    assert members.accept_invites_for(user) == []
    assert role_of(sentra.id, user.id) is None


def test_verified_user_accepts_an_invitation_from_the_invitations_page(client, auth, sentra):
    user = make_user("warga@example.test")
    invite = make_invite(sentra, "warga@example.test")
    login_as(auth, user)
    assert sentra.name in client.get("/undangan").get_data(as_text=True)
    response = client.post(f"/undangan/{invite.id}/terima")
    assert response.status_code == 302
    assert role_of(sentra.id, user.id) == Role.MEMBER


def test_declining_an_invitation_removes_it(client, auth, sentra):
    user = make_user("warga@example.test")
    invite = make_invite(sentra, "warga@example.test")
    login_as(auth, user)
    assert client.post(f"/undangan/{invite.id}/tolak").status_code == 302
    assert db.session.scalar(select(func.count(SentraInvite.id))) == 0
    assert role_of(sentra.id, user.id) is None


def test_someone_elses_invitation_cannot_be_accepted(client, auth, sentra):
    invite = make_invite(sentra, "orang.lain@example.test")
    user = make_user("warga@example.test")
    login_as(auth, user)
    assert client.post(f"/undangan/{invite.id}/terima").status_code == 404
    assert role_of(sentra.id, user.id) is None


def test_inviting_an_existing_member_is_refused(client, auth, sentra, owner):
    add_member(sentra, make_user("anggota@example.test"))
    login_as(auth, owner)
    response = client.post(
        f"/kelola/{sentra.slug}/anggota/undang", data={"email": "anggota@example.test", "role": "member"}
    )
    assert response.status_code == 409
    assert db.session.scalar(select(func.count(SentraInvite.id))) == 0


def test_inviting_the_same_address_twice_is_refused(client, auth, sentra, owner):
    make_invite(sentra, "calon@example.test")
    login_as(auth, owner)
    response = client.post(
        f"/kelola/{sentra.slug}/anggota/undang", data={"email": "calon@example.test", "role": "member"}
    )
    assert response.status_code == 409


def test_manager_can_invite_only_members(client, auth, sentra):
    manager = make_user()
    add_member(sentra, manager, Role.MANAGER)
    login_as(auth, manager)
    response = client.post(
        f"/kelola/{sentra.slug}/anggota/undang", data={"email": "calon@example.test", "role": "manager"}
    )
    assert response.status_code == 400
    assert db.session.scalar(select(func.count(SentraInvite.id))) == 0


def test_nobody_can_invite_an_owner(client, auth, sentra, owner):
    login_as(auth, owner)
    response = client.post(
        f"/kelola/{sentra.slug}/anggota/undang", data={"email": "calon@example.test", "role": "owner"}
    )
    assert response.status_code == 400
    assert db.session.scalar(select(func.count(SentraInvite.id))) == 0


def test_manager_cancels_an_invitation(client, auth, sentra):
    manager = make_user()
    add_member(sentra, manager, Role.MANAGER)
    invite = make_invite(sentra, "calon@example.test")
    login_as(auth, manager)
    assert client.post(f"/kelola/{sentra.slug}/undangan/{invite.id}/batal").status_code == 302
    assert db.session.scalar(select(func.count(SentraInvite.id))) == 0


# Roles and removal --------------------------------------------------------------------------


def test_owner_makes_a_member_a_manager(client, auth, sentra, owner):
    member = make_user()
    membership = add_member(sentra, member)
    login_as(auth, owner)
    response = client.post(f"/kelola/{sentra.slug}/anggota/{membership.id}/peran", data={"role": "manager"})
    assert response.status_code == 302
    assert role_of(sentra.id, member.id) == Role.MANAGER


def test_role_cannot_be_set_to_owner(client, auth, sentra, owner):
    membership = add_member(sentra, make_user())
    login_as(auth, owner)
    response = client.post(f"/kelola/{sentra.slug}/anggota/{membership.id}/peran", data={"role": "owner"})
    assert response.status_code == 400
    assert owners(sentra.id) == 1


def test_manager_cannot_change_roles(client, auth, sentra):
    manager = make_user()
    add_member(sentra, manager, Role.MANAGER)
    membership = add_member(sentra, make_user())
    login_as(auth, manager)
    response = client.post(f"/kelola/{sentra.slug}/anggota/{membership.id}/peran", data={"role": "manager"})
    assert response.status_code == 403


def test_manager_removes_a_plain_member(client, auth, sentra):
    manager = make_user()
    add_member(sentra, manager, Role.MANAGER)
    member = make_user()
    membership = add_member(sentra, member)
    login_as(auth, manager)
    assert client.post(f"/kelola/{sentra.slug}/anggota/{membership.id}/hapus").status_code == 302
    assert role_of(sentra.id, member.id) is None


def test_manager_cannot_remove_another_manager(client, auth, sentra):
    manager = make_user()
    add_member(sentra, manager, Role.MANAGER)
    other = make_user()
    membership = add_member(sentra, other, Role.MANAGER)
    login_as(auth, manager)
    assert client.post(f"/kelola/{sentra.slug}/anggota/{membership.id}/hapus").status_code == 403
    assert role_of(sentra.id, other.id) == Role.MANAGER


def test_nobody_removes_the_owner(client, auth, sentra, owner):
    manager = make_user()
    add_member(sentra, manager, Role.MANAGER)
    owner_membership_id = db.session.scalar(
        select(SentraMembership.id).where(SentraMembership.user_id == owner.id)
    )
    login_as(auth, manager)
    assert client.post(f"/kelola/{sentra.slug}/anggota/{owner_membership_id}/hapus").status_code == 403
    assert owners(sentra.id) == 1


def test_owner_cannot_leave_without_transferring(client, auth, sentra, owner):
    owner_membership_id = db.session.scalar(
        select(SentraMembership.id).where(SentraMembership.user_id == owner.id)
    )
    login_as(auth, owner)
    assert client.post(f"/kelola/{sentra.slug}/anggota/{owner_membership_id}/hapus").status_code == 403
    assert owners(sentra.id) == 1


def test_member_may_leave(client, auth, sentra):
    member = make_user()
    membership = add_member(sentra, member)
    login_as(auth, member)
    assert client.post(f"/kelola/{sentra.slug}/anggota/{membership.id}/hapus").status_code == 302
    assert role_of(sentra.id, member.id) is None


# Ownership transfer -------------------------------------------------------------------------


def test_ownership_transfer_makes_old_owner_a_manager(client, auth, sentra, owner):
    heir = make_user()
    membership = add_member(sentra, heir)
    login_as(auth, owner)
    response = client.post(
        f"/kelola/{sentra.slug}/anggota/serah-terima",
        data={"new_owner": membership.id, "password": "correct-horse-battery"},
    )
    assert response.status_code == 302
    assert role_of(sentra.id, heir.id) == Role.OWNER
    assert role_of(sentra.id, owner.id) == Role.MANAGER
    assert owners(sentra.id) == 1


def test_ownership_transfer_with_wrong_password_changes_nothing(client, auth, sentra, owner):
    heir = make_user()
    membership = add_member(sentra, heir)
    login_as(auth, owner)
    response = client.post(
        f"/kelola/{sentra.slug}/anggota/serah-terima", data={"new_owner": membership.id, "password": "salah-sekali"}
    )
    assert response.status_code == 400
    assert role_of(sentra.id, owner.id) == Role.OWNER
    assert role_of(sentra.id, heir.id) == Role.MEMBER


def test_ownership_cannot_go_to_a_member_of_another_sentra(client, auth, sentra, owner):
    other = make_sentra("32.75.01.1001")
    stranger_membership = add_member(other, make_user())
    login_as(auth, owner)
    response = client.post(
        f"/kelola/{sentra.slug}/anggota/serah-terima",
        data={"new_owner": stranger_membership.id, "password": "correct-horse-battery"},
    )
    assert response.status_code == 400
    assert role_of(sentra.id, owner.id) == Role.OWNER
    assert owners(other.id) == 1


def test_transfer_service_demotes_before_promoting(sentra, owner):
    heir = make_user()
    membership = add_member(sentra, heir)
    actor = db.session.scalar(select(SentraMembership).where(SentraMembership.user_id == owner.id))
    members.transfer_ownership(sentra, actor, membership.id, "correct-horse-battery")
    assert (actor.role, membership.role) == (Role.MANAGER, Role.OWNER)


def test_navigation_lists_the_users_sentras(client, auth, sentra, owner):
    login_as(auth, owner)
    page = client.get("/sentra").get_data(as_text=True)
    assert f'href="/kelola/{sentra.slug}/"' in page


def test_profile_page_shows_the_current_profile(client, auth, sentra, owner):
    login_as(auth, owner)
    response = client.get(f"/kelola/{sentra.slug}/profil")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert sentra.name in page and 'accept="image/*"' in page
    assert re.search(r'<input checked[^>]*value="kriya"', page)


def test_owner_opens_the_transfer_page_listing_other_members(client, auth, sentra, owner):
    add_member(sentra, make_user(name="Calon Pemilik"))
    login_as(auth, owner)
    response = client.get(f"/kelola/{sentra.slug}/anggota/serah-terima")
    assert response.status_code == 200
    assert "Calon Pemilik" in response.get_data(as_text=True)
