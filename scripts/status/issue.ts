/**
 * The daily status issue (`.github/workflows/key-expiry.yml`): one issue per stack, found by the
 * marker on its first line and the bot's authorship, its body the status Markdown followed by the
 * hidden markers of what was announced; and the comment that announces keys and grants crossing
 * 30, 7 or 1 days left. `--alerts-json` prints what the workflow needs as one JSON object, so the
 * workflow's shell only moves files around and never interprets text.
 */
import { announcedIn, announcedMarker, Announcement, dueAlerts, expiringItems } from "../../core/status/alerts";
import type { StackStatus } from "../../core/status/model";
import { cell } from "../review/grantReview";
import { renderStatusMarkdown } from "./render";

/** GitHub refuses an issue body or comment over 65536 characters. */
const MAX_BODY = 65_000;

/** The first line of the stack's status issue: how the workflow finds it (with the bot's authorship). */
export function issueMarker(stack: string): string {
    return `<!-- altinn-app-secrets:status:${stack} -->`;
}

export interface IssueUpdate {
    marker: string;
    title: string;
    /** The new issue body: the marker, the status and the announced markers. */
    body: string;
    /** A comment announcing what crossed a threshold since the last run; null when nothing did. */
    comment: string | null;
    announced: { id: string; threshold: number; daysLeft: number }[];
}

function announcementLine(a: Announcement): string {
    const { item } = a;
    const left = item.daysLeft < 0 ? `**expired on ${item.expires}**` : item.daysLeft === 0 ? `**ends today** (${item.expires})` : `**${item.daysLeft} day${item.daysLeft === 1 ? "" : "s"} left** (${item.expires})`;
    const todo =
        item.kind === "key"
            ? "Run the deploy workflow (`pulumi up`): it sends the key set again, which renews every key in it."
            : "The first `pulumi up` after that day removes the access; set a later `expires` in the stack file to keep it, or delete the entry.";
    return `- ${cell(item.label)}: ${left}. ${todo}`;
}

/** Keep the status within GitHub's size limit, saying where the rest is; never inside a code fence. */
function bounded(markdown: string, room: number): string {
    if (markdown.length <= room) return markdown;
    let kept = markdown.slice(0, Math.max(0, markdown.lastIndexOf("\n", room - 200)));
    const fences = kept.split("\n").filter((l) => l.startsWith("```")).length;
    if (fences % 2 === 1) kept = kept.slice(0, kept.lastIndexOf("\n```"));
    return `${kept}\n\n> Cut to fit a GitHub issue: run \`npm run status -- --stack <name>\` for all of it.`;
}

/** The issue's new body and the comment to post, from the status and the issue's current body. */
export function issueUpdate(status: StackStatus, previousBody: string, now: number): IssueUpdate {
    const marker = issueMarker(status.stack);
    const { due, remember, untracked } = dueAlerts(expiringItems(status), announcedIn(previousBody));
    const markers = remember.map(announcedMarker).join("\n");
    const intro = [
        "Kept up to date by the key-expiry workflow: edits here are overwritten. It comments when a key or grant reaches 30, 7 and 1 days left.",
        ...(untracked ? [`**${untracked} more keys or grants within 30 days are too many for this issue to track**: they are announced once sooner ones are gone; the tables below list them.`] : []),
    ].join("\n\n");
    const room = MAX_BODY - marker.length - markers.length - intro.length - 10;
    const body = [marker, intro, "", bounded(renderStatusMarkdown(status, now), room), "", markers].join("\n").trimEnd();
    const comment = due.length
        ? bounded([`### Expiry alert: stack \`${status.stack}\``, "", ...due.map(announcementLine)].join("\n"), MAX_BODY)
        : null;
    return {
        marker,
        title: `Keys and access grants of stack ${status.stack}: status and expiry`,
        body,
        comment,
        announced: due.map((a) => ({ id: a.item.id, threshold: a.threshold, daysLeft: a.item.daysLeft })),
    };
}
