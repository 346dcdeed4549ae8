"""Roles of an account. Owner, Admin and Member are built in with Zoom's ids 0, 1 and 2."""

from dataclasses import dataclass, field


@dataclass
class Role:
    id: str
    account_id: str
    name: str
    description: str = ""
    type: str = "common"
    privileges: list[str] = field(default_factory=list)


BUILT_IN = (
    ("0", "Owner", "Account owner has full privileges to access and manage a Zoom account."),
    ("1", "Admin", "Admins have wide range privileges to access and manage a Zoom account."),
    ("2", "Member", "Members have access to basic Zoom video meeting functions but no account management."),
)

# Zoom's example answer to GET /users/{userId}/permissions (2021 spec) for an account's owner;
# admins hold the same minus billing and role management, members only what they do themselves.
OWNER_PRIVILEGES = [
    "AccountProfile:Edit",
    "AccountProfile:Read",
    "AccountSetting:Edit",
    "AccountSetting:Read",
    "BillingInformation:Edit",
    "BillingInformation:Read",
    "BillingSubscription:Edit",
    "BillingSubscription:Read",
    "Branding:Edit",
    "Branding:Read",
    "CallInContacts:Edit",
    "CallInContacts:Read",
    "CrossHybrid:Edit",
    "CrossHybrid:Read",
    "Dashboard:Read",
    "DigitalSignage:Edit",
    "DigitalSignage:Read",
    "Group:Edit",
    "Group:Read",
    "IMChatBot:Edit",
    "IMChatHistory:Read",
    "IMGroups:Edit",
    "IMGroups:Read",
    "IMSetting:Read",
    "Integration:Edit",
    "Integration:Read",
    "LyncConnector:Edit",
    "LyncConnector:Read",
    "MarketPlace:Edit",
    "MarketPlace:Read",
    "Meeting:Edit",
    "Meeting:Join",
    "MeetingConnector:Edit",
    "MeetingConnector:Read",
    "MobileDeviceManagement:Read",
    "PbxAdmin:Edit",
    "PbxAdmin:Read",
    "Recording:Edit",
    "Recording:Read",
    "RecordingContent:Read",
    "Role:Edit",
    "RoomConnector:Edit",
    "RoomConnector:Read",
    "ScheduleTrackingFields:Edit",
    "ScheduleTrackingFields:Read",
    "Security:Edit",
    "Security:Read",
    "SingleSignOn:Edit",
    "SingleSignOn:Read",
    "SubAccount:Read",
    "ThirdPartyConference:Edit",
    "ThirdPartyConference:Read",
    "UsageReport:Read",
    "User:Edit",
    "User:Read",
    "UserActivitiesReport:Read",
    "WebinarSetting:Edit",
    "WebinarSetting:Read",
    "ZoomDevelopers:Read",
    "ZoomRooms:Edit",
    "ZoomRooms:Read",
]
ADMIN_PRIVILEGES = [
    p for p in OWNER_PRIVILEGES if not p.startswith(("Billing", "Role:", "SubAccount", "SingleSignOn:Edit"))
]
MEMBER_PRIVILEGES = ["Meeting:Join", "Recording:Read"]
BUILT_IN_PRIVILEGES = {"0": OWNER_PRIVILEGES, "1": ADMIN_PRIVILEGES, "2": MEMBER_PRIVILEGES}


def privileges(role: Role) -> list[str]:
    return list(BUILT_IN_PRIVILEGES.get(role.id, role.privileges))
