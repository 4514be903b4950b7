import { useFetcher } from "@remix-run/react";
import type { Editor } from "@tiptap/core";
import { useEffect, useState } from "react";
import { anchorSelection, resolveAnchor } from "../lib/passage-anchors";
import { syncSelectionFromDom } from "../lib/selection-sync";
import { useEditorState } from "../lib/use-editor";

export interface PassageThread {
  id: string;
  anchorFrom: string;
  anchorTo: string;
  quote: string;
  round: string | null;
  resolved: { by: string; when: string } | null;
  canResolve: boolean;
  comments: { id: string; body: string; authorName: string; organizationName: string | null; when: string; round: string | null }[];
}

type Reply = { threadStarted?: string; replied?: string; threadResolved?: string; error?: Record<string, string[] | null> | null };

function errorOf(data: Reply | undefined): string | undefined {
  if (!data?.error) return undefined;
  return Object.values(data.error).flat().filter(Boolean)[0] ?? undefined;
}

/**
 * Comments on a passage: select words, **Comment**, write, **Add comment**. Threads are listed
 * beside the text (below it at phone width) with **Reply**, **Resolve** and **Reopen**.
 */
export function PassageThreads({ editor, threads, canComment }: { editor: Editor; threads: PassageThread[]; canComment: boolean }) {
  const hasSelection = useEditorState({ editor, selector: ({ editor: e }) => !e.state.selection.empty });
  // Which threads' passages are gone now (recomputed as the text changes).
  const removed = useEditorState({
    editor,
    selector: ({ editor: e }) => threads.filter((t) => !resolveAnchor(e.state, { ...t, resolved: false })).map((t) => t.id),
  });
  const [draft, setDraft] = useState<{ anchorFrom: string; anchorTo: string; quote: string } | null>(null);
  const starter = useFetcher<Reply>();
  useEffect(() => {
    // eslint-disable-next-line react-hooks/set-state-in-effect -- the form closes once the server has the thread
    if (starter.state === "idle" && starter.data?.threadStarted) setDraft(null);
  }, [starter.state, starter.data]);
  const open = threads.filter((t) => !t.resolved).length;
  return (
    <section className="passage-threads" aria-labelledby="threads-heading">
      <h3 id="threads-heading">Comments on passages ({open} open)</h3>
      {canComment ? (
        <p>
          <button
            type="button"
            className="secondary"
            disabled={!hasSelection}
            aria-describedby="comment-hint"
            onClick={() => {
              syncSelectionFromDom(editor.view);
              setDraft(anchorSelection(editor.state));
            }}
          >
            Comment
          </button>{" "}
          <span id="comment-hint" className="hint">
            Select words in the text first.
          </span>
        </p>
      ) : null}
      {draft ? (
        <starter.Form method="post" className="stack thread-form">
          <input type="hidden" name="intent" value="start-thread" />
          <input type="hidden" name="anchorFrom" value={draft.anchorFrom} />
          <input type="hidden" name="anchorTo" value={draft.anchorTo} />
          <input type="hidden" name="quote" value={draft.quote} />
          <blockquote className="quote">{draft.quote}</blockquote>
          {errorOf(starter.data) ? (
            <p className="notice error" role="alert">
              {errorOf(starter.data)}
            </p>
          ) : null}
          <div className="field">
            <label htmlFor="new-thread-body">Your comment on these words</label>
            <p className="hint" id="new-thread-hint">
              Mention an organization with @ and its name: its representatives are told.
            </p>
            <textarea id="new-thread-body" name="body" rows={3} required aria-describedby="new-thread-hint" />
          </div>
          <div className="actions">
            <button type="submit">Add comment</button>
            <button type="button" className="secondary" onClick={() => setDraft(null)}>
              Cancel
            </button>
          </div>
        </starter.Form>
      ) : null}
      {threads.length === 0 ? <p className="empty">No comments on passages yet.</p> : null}
      <ol className="plain-list">
        {threads.map((t) => (
          <ThreadItem key={t.id} thread={t} removed={removed.includes(t.id)} canComment={canComment} editor={editor} />
        ))}
      </ol>
    </section>
  );
}

function ThreadItem({
  thread,
  removed,
  canComment,
  editor,
}: {
  thread: PassageThread;
  removed: boolean;
  canComment: boolean;
  editor: Editor;
}) {
  const replier = useFetcher<Reply>();
  const resolver = useFetcher<Reply>();
  const [replyKey, setReplyKey] = useState(0);
  useEffect(() => {
    // eslint-disable-next-line react-hooks/set-state-in-effect -- a sent reply empties its field
    if (replier.state === "idle" && replier.data?.replied) setReplyKey((k) => k + 1);
  }, [replier.state, replier.data]);
  const first = thread.comments[0];
  const label = `comment by ${first?.authorName ?? "someone"} on “${thread.quote.slice(0, 40)}”`;
  return (
    <li className={`thread${thread.resolved ? " thread-resolved" : ""}`} aria-label={`Thread: ${label}`}>
      {removed && !thread.resolved ? (
        <p className="notice warning">
          This comment was on text that was removed: <q>{thread.quote}</q>
        </p>
      ) : (
        <blockquote className="quote">{thread.quote}</blockquote>
      )}
      {thread.resolved ? (
        <p className="proposal-meta">
          Resolved by {thread.resolved.by} · {thread.resolved.when}
        </p>
      ) : null}
      <ol className="plain-list">
        {thread.comments.map((c) => (
          <li key={c.id} className="thread-comment">
            <p className="proposal-meta">
              <strong>{c.authorName}</strong>
              {c.organizationName ? `, ${c.organizationName}` : ""} · {c.when}
              {c.round ? ` · ${c.round}` : ""}
            </p>
            <p className="comment-body">{c.body}</p>
          </li>
        ))}
      </ol>
      <div className="actions">
        {!removed && !thread.resolved ? (
          <button
            type="button"
            className="secondary"
            onClick={() => {
              const range = resolveAnchor(editor.state, { ...thread, resolved: false });
              if (range) editor.chain().focus().setTextSelection(range).run();
            }}
          >
            Show<span className="visually-hidden"> the passage of the {label}</span>
          </button>
        ) : null}
        {thread.canResolve ? (
          <resolver.Form method="post">
            <input type="hidden" name="intent" value="resolve-thread" />
            <input type="hidden" name="threadId" value={thread.id} />
            <input type="hidden" name="resolved" value={thread.resolved ? "no" : "yes"} />
            <button type="submit" className="secondary">
              {thread.resolved ? "Reopen" : "Resolve"}
              <span className="visually-hidden"> the {label}</span>
            </button>
          </resolver.Form>
        ) : null}
      </div>
      {canComment && !thread.resolved ? (
        <replier.Form method="post" className="stack" key={replyKey}>
          <input type="hidden" name="intent" value="reply" />
          <input type="hidden" name="threadId" value={thread.id} />
          {errorOf(replier.data) ? (
            <p className="notice error" role="alert">
              {errorOf(replier.data)}
            </p>
          ) : null}
          <div className="field">
            <label htmlFor={`reply-${thread.id}`}>
              Your reply<span className="visually-hidden"> to the {label}</span>
            </label>
            <textarea id={`reply-${thread.id}`} name="body" rows={2} required />
          </div>
          <div className="actions">
            <button type="submit">
              Reply<span className="visually-hidden"> to the {label}</span>
            </button>
          </div>
        </replier.Form>
      ) : null}
    </li>
  );
}
