"""The one catalog of every topic on the bus.

Read by the faust apps, the admin step that creates topics, the tools, the tests and `docs/events.md`
(`rrm topics --markdown`). Names are `<entity>.<past-tense>` for events and `<stage>.commands` for commands; the
settings' `topic_prefix` is put in front of each, so that several engines or test runs share one cluster.
"""

from __future__ import annotations

from dataclasses import dataclass

from . import records as r

DAY_MS = 24 * 3600 * 1000


@dataclass(frozen=True)
class TopicSpec:
    """One topic: its name (without prefix), what its key is, the record it carries, and its storage settings."""

    name: str
    key: str
    record: type[r.Record]
    description: str
    partitions: int | None = None
    compacted: bool = False
    retention_ms: int = 7 * DAY_MS

    def full_name(self, prefix: str) -> str:
        """The topic's name on the broker."""
        return f"{prefix}{self.name}"

    def configs(self) -> dict[str, str]:
        """Broker topic configuration."""
        configs = {"retention.ms": str(self.retention_ms)}
        if self.compacted:
            configs["cleanup.policy"] = "compact"
        return configs


TOPICS: tuple[TopicSpec, ...] = (
    TopicSpec("articles.ingested", "article_id", r.ArticleIngested, "New articles from the news feeds."),
    TopicSpec(
        "articles.scored",
        "article_id",
        r.ArticleScored,
        "Articles with their polarization score and reasons; one partition so that clustering sees every article "
        "in order.",
        partitions=1,
    ),
    TopicSpec("stories.flagged", "story_id", r.StoryFlagged, "Polarizing stories that are spreading.", partitions=1),
    TopicSpec("stories.escalated", "story_id", r.StoryEscalated, "Flagged stories whose severity rose.", partitions=1),
    TopicSpec("detect.commands", "story_id", r.OpenStory, "Stories opened by hand by a duty officer.", partitions=1),
    TopicSpec("mobilize.commands", "story_id", r.StartMobilization, "Requests to start a mobilization.", partitions=1),
    TopicSpec("mobilizations.started", "mobilization_id", r.MobilizationStarted, "Mobilizations begun."),
    TopicSpec("invitations.sent", "invitation_id", r.InvitationSent, "Network members paged."),
    TopicSpec("invitations.answered", "invitation_id", r.InvitationAnswered, "Invitations accepted or declined."),
    TopicSpec("drafts.submitted", "draft_id", r.DraftSubmitted, "Drafts submitted for review."),
    TopicSpec("opeds.approved", "oped_id", r.OpEdApproved, "Op-eds approved by a duty officer.",
              retention_ms=365 * DAY_MS),
    TopicSpec(
        "translations.ready", "oped_id", r.TranslationReady, "Reviewed translations ready for release.",
        retention_ms=365 * DAY_MS,
    ),
    TopicSpec(
        "translations.signed_off", "oped_id", r.TranslationSignedOff,
        "Translations the authors let go out under their names (or an officer recorded their approval).",
        retention_ms=365 * DAY_MS,
    ),
    TopicSpec("opeds.released", "distribution_id", r.OpEdReleased, "Distributions sent at their release time."),
    TopicSpec("opeds.placed", "oped_id", r.OpEdPlaced, "Outlets that will run, or ran, an op-ed (and where).",
              retention_ms=365 * DAY_MS),
    TopicSpec("deliveries.reported", "event_id", r.DeliveryEvent, "Delivery events from the mail provider."),
    TopicSpec("registry.commands", "entity_id", r.RegistryCommand, "Create, update or retire a registry entry."),
    TopicSpec(
        "registry.changed", "entity_id", r.RegistryChanged, "Registry entries created, updated or retired.",
        compacted=True, retention_ms=3650 * DAY_MS,
    ),
    TopicSpec("programmes.stepped", "subject_id", r.ProgrammeStepped,
              "Steps of the registry's programmes (Ambassadors, Youth Solidarity Fund, Trust Fund, fora, Group of "
              "Friends, Clearinghouse submissions, newsletter).",
              retention_ms=365 * DAY_MS),
    TopicSpec("newsletter.issues", "issue_id", r.NewsletterIssueReady,
              "Newsletter issues composed by registry/, for distribute/ to send to confirmed subscribers.",
              retention_ms=30 * DAY_MS),
    TopicSpec(
        "rejected",
        "source topic",
        r.MessageRejected,
        "Every message that could not be decoded, validated or handled, with the reason and the raw bytes.",
        partitions=1,
        retention_ms=30 * DAY_MS,
    ),
)

BY_NAME: dict[str, TopicSpec] = {spec.name: spec for spec in TOPICS}


def spec(name: str) -> TopicSpec:
    """The catalog entry of a topic, by its unprefixed name."""
    return BY_NAME[name]


def markdown(prefix: str = "rrm.") -> str:
    """The catalog as a Markdown table (docs/events.md)."""
    lines = [
        "| topic | key | record | partitions | compacted | retention (days) | what flows |",
        "| --- | --- | --- | --- | --- | --- | --- |",
    ]
    for t in TOPICS:
        common = ("message_id", "occurred_at", "schema_version")
        fields = ", ".join(f"`{f}`" for f in t.record._options.fields if f not in common)
        lines.append(
            f"| `{t.full_name(prefix)}` | {t.key} | `{t.record.__name__}` ({fields}) | {t.partitions or 'default'} | "
            f"{'yes' if t.compacted else 'no'} | {t.retention_ms // DAY_MS} | {t.description} |"
        )
    return "\n".join(lines) + "\n"
