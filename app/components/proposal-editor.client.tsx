import Collaboration from "@tiptap/extension-collaboration";
import CollaborationCaret from "@tiptap/extension-collaboration-caret";
import { useFetcher, useRevalidator } from "@remix-run/react";
import type { Editor } from "@tiptap/core";
import { useEffect, useReducer, useRef, useState } from "react";
import { openCollabSession, type CollabSession, type SaveState } from "../lib/collab-client";
import type { DraftingMode } from "../lib/drafting";
import { isAllowedLink } from "../lib/editor-link";
import { proposalExtensions } from "../lib/editor-extensions";
import { useEditor, useEditorState } from "../lib/use-editor";
import { SelectionSync, syncSelectionFromDom } from "../lib/selection-sync";
import { createSuggestMode, SuggestSwitch, suggestionsIn } from "../lib/suggest-mode";
import { createPassageHighlights, passageHighlightKey, ThreadAnchors } from "../lib/passage-anchors";
import { PassageThreads, type PassageThread } from "./passage-threads";
import { SUGGESTION_DELETE, SUGGESTION_INSERT, suggesterLabel, type SuggestionIdentity, type SuggestionSummary } from "../lib/suggestions";

export interface EditorUser {
  personId: string;
  name: string;
  organizationId: string | null;
  organization: string | null;
  color: string;
}

export interface EditorDrafting {
  mode: DraftingMode;
  canReview: boolean;
}

/** The latest of a callback that changes with renders, for code that outlives them (the socket). */
class LatestCallback {
  private fn: () => void = () => {};
  set(fn: () => void): void {
    this.fn = fn;
  }
  call(): void {
    this.fn();
  }
}

const saveWords: Record<SaveState, string> = {
  saved: "Saved",
  saving: "Saving…",
  offline: "Offline – changes kept on this device",
};

function closeMessage(code: number): string {
  if (code === 4401) return "Your session has ended. Sign in again to keep editing; your changes are kept on this device.";
  if (code === 4403 || code === 4404) return "This proposal is not available to you.";
  if (code === 4429) return "You have this proposal open in too many places. Close some tabs, then reload this page.";
  return "The connection was closed. Reload the page to try again.";
}

/**
 * The collaborative editor (loaded only on the proposal page, after hydration): Tiptap bound to
 * the proposal's Yjs document, other people's carets, who is here, and a truthful save state.
 */
export default function ProposalEditor({
  proposalId,
  user,
  drafting,
  readOnlyReason,
  threads,
  canComment,
}: {
  proposalId: string;
  user: EditorUser;
  drafting: EditorDrafting;
  readOnlyReason: string | null;
  threads: PassageThread[];
  canComment: boolean;
}) {
  const [, rerender] = useReducer((n: number) => n + 1, 0);
  const [session, setSession] = useState<CollabSession | null>(null);
  const revalidator = useRevalidator();
  const [revalidate] = useState(() => new LatestCallback());
  useEffect(() => revalidate.set(revalidator.revalidate), [revalidate, revalidator]);
  useEffect(() => {
    // Created in the effect and destroyed in its cleanup (StrictMode runs effects twice).
    const s = openCollabSession({ proposalId, personId: user.personId, onChange: rerender, onThreads: () => revalidate.call() });
    // The session is an external resource made here (not derivable during render): keep it.
    // eslint-disable-next-line react-hooks/set-state-in-effect
    setSession(s);
    return () => s.destroy();
  }, [proposalId, user.personId, revalidate]);

  useEffect(() => {
    // Covers changes that arrive without an event (a committed message racing a keystroke).
    const timer = setInterval(rerender, 500);
    return () => clearInterval(timer);
  }, []);

  useEffect(() => {
    if (!session) return;
    const warn = (event: BeforeUnloadEvent) => {
      if (!session.hasUnsavedChanges()) return;
      event.preventDefault();
      event.returnValue = "";
    };
    window.addEventListener("beforeunload", warn);
    return () => window.removeEventListener("beforeunload", warn);
  }, [session]);

  if (!session) return <p className="save-state">Saving…</p>;
  return (
    <BoundEditor
      key={proposalId}
      session={session}
      user={user}
      drafting={drafting}
      readOnlyReason={readOnlyReason}
      threads={threads}
      canComment={canComment}
    />
  );
}

function BoundEditor({
  session,
  user,
  drafting,
  readOnlyReason,
  threads,
  canComment,
}: {
  session: CollabSession;
  user: EditorUser;
  drafting: EditorDrafting;
  readOnlyReason: string | null;
  threads: PassageThread[];
  canComment: boolean;
}) {
  const [anchors] = useState(() => new ThreadAnchors());
  const readOnly = session.access ? session.access.readOnly : drafting.mode === "read";
  const reason = session.access ? session.access.reason : readOnlyReason;
  // The server's word wins: a connection it treats as suggesting is always suggesting.
  const mustSuggest = session.access ? session.access.suggesting : drafting.mode === "suggest";
  const [chosenSuggesting, setChosenSuggesting] = useState(false);
  const suggesting = !readOnly && (mustSuggest || chosenSuggesting);
  // Read by the editor's plugin at each keystroke; kept current by the effect below.
  const [suggestSwitch] = useState(() => new SuggestSwitch(suggesting));
  useEffect(() => suggestSwitch.set(suggesting), [suggestSwitch, suggesting]);
  const [heldBack, setHeldBack] = useState<string | null>(null);
  const identity: SuggestionIdentity = {
    personId: user.personId,
    name: user.name,
    organizationId: user.organizationId,
    organization: user.organization,
  };
  const mount = useRef<HTMLDivElement>(null);
  const editor = useEditor(
    mount,
    () => ({
      editable: !readOnly,
      extensions: [
        ...proposalExtensions(),
        SelectionSync,
        createSuggestMode({ identity, isOn: () => suggestSwitch.isOn(), onHeldBack: setHeldBack }),
        createPassageHighlights(anchors),
        Collaboration.configure({ document: session.doc, field: "default" }),
        CollaborationCaret.configure({
          provider: session.provider,
          user: { name: user.name, organization: user.organization, color: user.color },
          render: (u: Record<string, string | null>) => {
            const caret = document.createElement("span");
            caret.classList.add("collaboration-carets__caret");
            caret.setAttribute("style", `border-color: ${u.color ?? "#1f5fa8"}`);
            const label = document.createElement("span");
            label.classList.add("collaboration-carets__label");
            label.setAttribute("style", `background-color: ${u.color ?? "#1f5fa8"}`);
            label.textContent = u.organization ? `${u.name} (${u.organization})` : (u.name ?? "");
            caret.append(label);
            return caret;
          },
        }),
      ],
      editorProps: {
        attributes: {
          role: "textbox",
          "aria-multiline": "true",
          "aria-label": "Proposal text",
          class: "editor-content",
        },
      },
    }),
    [session],
  );

  useEffect(() => {
    if (!editor) return;
    editor.setEditable(!readOnly);
    editor.view.dom.setAttribute("aria-readonly", readOnly ? "true" : "false");
  }, [editor, readOnly]);

  useEffect(() => {
    anchors.set(threads.map((t) => ({ id: t.id, anchorFrom: t.anchorFrom, anchorTo: t.anchorTo, resolved: t.resolved !== null })));
    // Redraw the highlights (a transaction that changes nothing in the text).
    if (editor && !editor.isDestroyed) editor.view.dispatch(editor.state.tr.setMeta(passageHighlightKey, true));
  }, [anchors, editor, threads]);

  const state = session.saveState();
  const here = presenceOf(session, user);
  return (
    <>
      {session.finalClose ? (
        <div className="notice error" role="alert">
          <p>{closeMessage(session.finalClose.code)}</p>
        </div>
      ) : null}
      {session.refused ? (
        <div className="notice error" role="alert">
          <p>
            Your last edit was refused and not saved:{" "}
            {session.refused.replace(/^(read-only|suggesting|refused): this edit was refused and not saved\.\s*/, "")}
          </p>
        </div>
      ) : null}
      {readOnly && reason ? (
        <div className="notice warning" role="status">
          <p>{reason}</p>
        </div>
      ) : null}
      {!readOnly && mustSuggest ? (
        <div className="notice" role="status">
          <p>{reason || "You are suggesting: your changes are shown as suggestions for the lead organization to accept or reject."}</p>
        </div>
      ) : null}
      {!readOnly && !mustSuggest ? (
        <fieldset className="mode-toggle">
          <legend>How your changes go in</legend>
          <label>
            <input type="radio" name="editing-mode" checked={!chosenSuggesting} onChange={() => setChosenSuggesting(false)} /> Editing
          </label>
          <label>
            <input type="radio" name="editing-mode" checked={chosenSuggesting} onChange={() => setChosenSuggesting(true)} /> Suggesting
          </label>
        </fieldset>
      ) : null}
      {suggesting && heldBack ? (
        <p className="notice warning" role="status">
          {heldBack}
        </p>
      ) : null}
      <div className="save-bar">
        <p className="save-state" role="status" aria-live="polite">
          {saveWords[state]}
        </p>
        <div>
          <h3 className="visually-hidden" id="here-now">
            Here now
          </h3>
          <ul className="presence" aria-labelledby="here-now">
            {here.map((p) => (
              <li key={p.key} style={{ ["--presence" as string]: p.color }}>
                {p.name}
                {p.organization ? ` (${p.organization})` : ""}
                {p.self ? " – you" : ""}
              </li>
            ))}
          </ul>
        </div>
      </div>
      <div className="drafting-layout">
        <div className="editor-frame">
          {editor && !readOnly && !suggesting ? <Toolbar editor={editor} /> : null}
          <div ref={mount} />
          {editor ? <CaretSuggestion editor={editor} /> : null}
        </div>
        {editor ? (
          <aside className="drafting-aside" aria-label="Suggestions and comments">
            <SuggestionList editor={editor} user={user} canReview={drafting.canReview && !readOnly} />
            <PassageThreads editor={editor} threads={threads} canComment={canComment} />
          </aside>
        ) : null}
      </div>
    </>
  );
}

/** Who suggested the words at the caret (the same words the marks show on hover). */
function CaretSuggestion({ editor }: { editor: Editor }) {
  const label = useEditorState({
    editor,
    selector: ({ editor: e }) => {
      const $from = e.state.selection.$from;
      const node = $from.nodeAfter ?? $from.nodeBefore;
      for (const mark of node?.marks ?? []) {
        const kind = mark.type.name === SUGGESTION_INSERT ? "insertion" : mark.type.name === SUGGESTION_DELETE ? "deletion" : null;
        if (kind)
          return `At the caret: suggested ${kind} by ${suggesterLabel({ name: String(mark.attrs.name), org: (mark.attrs.org as string | null) ?? null })}`;
      }
      return "";
    },
  });
  return label ? <p className="caret-suggestion">{label}</p> : null;
}

function describe(s: SuggestionSummary): string {
  return `${s.kind === "insert" ? "insertion" : "deletion"} “${s.text}” by ${suggesterLabel(s)}`;
}

type Decision = "accept" | "reject" | "withdraw";
type DecisionReply = { resolved?: number; error?: { "": string[] } | null };

/**
 * A form's fetcher for one decision at a time: each suggestion and each batch has its own, so a
 * second click elsewhere never cancels a decision already on its way.
 */
function useDecision() {
  const fetcher = useFetcher<DecisionReply>();
  const refusal = fetcher.data && "error" in fetcher.data ? fetcher.data.error?.[""]?.[0] : undefined;
  const decide = (decision: Decision, target: { suggestionIds?: string; organizationId?: string }) =>
    void fetcher.submit({ intent: "resolve-suggestions", decision, ...target }, { method: "post" });
  return { decide, refusal };
}

/** The open suggestions beside the text: who, what, and Accept / Reject (or Withdraw one's own). */
function SuggestionList({ editor, user, canReview }: { editor: Editor; user: EditorUser; canReview: boolean }) {
  const suggestions = useEditorState({ editor, selector: ({ editor: e }) => suggestionsIn(e.state.doc) });
  const byOrganization = new Map<string, { org: string; count: number }>();
  for (const s of suggestions) {
    if (!s.orgId) continue;
    const entry = byOrganization.get(s.orgId) ?? { org: s.org ?? "Organization", count: 0 };
    entry.count++;
    byOrganization.set(s.orgId, entry);
  }
  return (
    <section className="suggestions" aria-labelledby="suggestions-heading">
      <h3 id="suggestions-heading">Suggestions ({suggestions.length})</h3>
      {suggestions.length === 0 ? <p className="empty">No open suggestions.</p> : null}
      {canReview && byOrganization.size > 0 ? (
        <ul className="plain-list suggestion-batches">
          {[...byOrganization].map(([orgId, { org, count }]) => (
            <SuggestionBatch key={orgId} orgId={orgId} org={org} count={count} />
          ))}
        </ul>
      ) : null}
      <ol className="plain-list">
        {suggestions.map((s) => (
          <SuggestionItem key={s.id} suggestion={s} editor={editor} user={user} canReview={canReview} />
        ))}
      </ol>
    </section>
  );
}

function Refusal({ words }: { words: string | undefined }) {
  return words ? (
    <p className="notice error" role="alert">
      {words}
    </p>
  ) : null;
}

function SuggestionBatch({ orgId, org, count }: { orgId: string; org: string; count: number }) {
  const { decide, refusal } = useDecision();
  return (
    <li>
      <Refusal words={refusal} />
      <button type="button" className="secondary" onClick={() => decide("accept", { organizationId: orgId })}>
        Accept all from {org} ({count})
      </button>{" "}
      <button type="button" className="secondary" onClick={() => decide("reject", { organizationId: orgId })}>
        Reject all from {org} ({count})
      </button>
    </li>
  );
}

function SuggestionItem({
  suggestion: s,
  editor,
  user,
  canReview,
}: {
  suggestion: SuggestionSummary & { from: number };
  editor: Editor;
  user: EditorUser;
  canReview: boolean;
}) {
  const { decide, refusal } = useDecision();
  return (
    <li className={`suggestion-item suggestion-item-${s.kind}`}>
      <p>
        <strong>{s.kind === "insert" ? "Insert" : "Delete"}</strong> {s.kind === "insert" ? <ins>{s.text}</ins> : <del>{s.text}</del>}
      </p>
      <p className="proposal-meta">{suggesterLabel(s)}</p>
      <Refusal words={refusal} />
      <div className="actions">
        <button
          type="button"
          className="secondary"
          onClick={() =>
            editor
              .chain()
              .focus()
              .setTextSelection(s.from + 1)
              .run()
          }
        >
          Show<span className="visually-hidden"> the {describe(s)}</span>
        </button>
        {canReview ? (
          <>
            <button type="button" onClick={() => decide("accept", { suggestionIds: s.id })}>
              Accept<span className="visually-hidden"> the {describe(s)}</span>
            </button>
            <button type="button" className="secondary" onClick={() => decide("reject", { suggestionIds: s.id })}>
              Reject<span className="visually-hidden"> the {describe(s)}</span>
            </button>
          </>
        ) : null}
        {!canReview && s.by === user.personId ? (
          <button type="button" className="secondary" onClick={() => decide("withdraw", { suggestionIds: s.id })}>
            Withdraw<span className="visually-hidden"> your {describe(s)}</span>
          </button>
        ) : null}
      </div>
    </li>
  );
}

function presenceOf(session: CollabSession, user: EditorUser) {
  const seen = new Map<string, { key: string; name: string; organization: string | null; color: string; self: boolean }>();
  seen.set(`${user.name}|${user.organization}`, {
    key: "self",
    name: user.name,
    organization: user.organization,
    color: user.color,
    self: true,
  });
  for (const [clientId, state] of session.provider.awareness.getStates()) {
    const u = (state as { user?: { name?: string; organization?: string | null; color?: string } }).user;
    if (!u?.name || clientId === session.doc.clientID) continue;
    const key = `${u.name}|${u.organization ?? ""}`;
    if (!seen.has(key) && key !== `${user.name}|${user.organization ?? ""}`) {
      seen.set(key, { key, name: u.name, organization: u.organization ?? null, color: u.color ?? "#1f5fa8", self: false });
    }
  }
  return [...seen.values()];
}

function Toolbar({ editor }: { editor: Editor }) {
  const active = useEditorState({
    editor,
    selector: ({ editor: e }) => ({
      bold: e.isActive("bold"),
      italic: e.isActive("italic"),
      h2: e.isActive("heading", { level: 2 }),
      h3: e.isActive("heading", { level: 3 }),
      bullet: e.isActive("bulletList"),
      ordered: e.isActive("orderedList"),
      quote: e.isActive("blockquote"),
      link: e.isActive("link"),
      table: e.isActive("table"),
    }),
  });
  const chain = () => editor.chain().focus();
  const [linkOpen, setLinkOpen] = useState(false);
  const [more, setMore] = useState(false);
  // WAI-ARIA toolbar: one Tab stop (the last button used), arrow keys, Home and End between buttons.
  const [current, setCurrent] = useState(0);
  type ToolButton = { label: string; title: string; pressed?: boolean; expanded?: boolean; run: () => void };
  const everyday: ToolButton[] = [
    { label: "Bold", title: "Bold (Ctrl+B)", pressed: active.bold, run: () => chain().toggleBold().run() },
    { label: "Italic", title: "Italic (Ctrl+I)", pressed: active.italic, run: () => chain().toggleItalic().run() },
    { label: "Heading", title: "Heading (type ## and a space)", pressed: active.h2, run: () => chain().toggleHeading({ level: 2 }).run() },
    { label: "Link", title: "Link (add, change or remove)", pressed: active.link, run: () => setLinkOpen(true) },
  ];
  // Less used commands, behind More (the row fits a phone's width).
  const rest: ToolButton[] = [
    {
      label: "Subheading",
      title: "Subheading (type ### and a space)",
      pressed: active.h3,
      run: () => chain().toggleHeading({ level: 3 }).run(),
    },
    {
      label: "Bulleted list",
      title: "Bulleted list (type - and a space)",
      pressed: active.bullet,
      run: () => chain().toggleBulletList().run(),
    },
    {
      label: "Numbered list",
      title: "Numbered list (type 1. and a space)",
      pressed: active.ordered,
      run: () => chain().toggleOrderedList().run(),
    },
    { label: "Quote", title: "Quote (type > and a space)", pressed: active.quote, run: () => chain().toggleBlockquote().run() },
    active.table
      ? { label: "Remove table", title: "Remove the table at the caret", run: () => chain().deleteTable().run() }
      : {
          label: "Table",
          title: "Insert a table of 3 rows and 3 columns",
          run: () => chain().insertTable({ rows: 3, cols: 3 }).run(),
        },
  ];
  const buttons: ToolButton[] = [
    ...everyday,
    { label: "More", title: more ? "Fewer commands" : "More commands", expanded: more, run: () => setMore((m) => !m) },
    ...(more ? rest : []),
  ];
  const move = (event: React.KeyboardEvent<HTMLDivElement>) => {
    if (!(event.target instanceof HTMLButtonElement)) return;
    const last = buttons.length - 1;
    const next =
      event.key === "ArrowRight"
        ? current === last
          ? 0
          : current + 1
        : event.key === "ArrowLeft"
          ? current === 0
            ? last
            : current - 1
          : event.key === "Home"
            ? 0
            : event.key === "End"
              ? last
              : null;
    if (next === null) return;
    event.preventDefault();
    setCurrent(next);
    event.currentTarget.querySelectorAll<HTMLButtonElement>(":scope > button")[next]?.focus();
  };
  return (
    <>
      <div className="editor-toolbar" role="toolbar" aria-label="Formatting" onKeyDown={move}>
        {buttons.map((b, i) => (
          <button
            key={b.label}
            type="button"
            className="secondary"
            title={b.title}
            aria-pressed={b.pressed}
            aria-expanded={b.expanded}
            tabIndex={i === current ? 0 : -1}
            onFocus={() => setCurrent(i)}
            onClick={() => {
              // The command acts on what is selected on the page (decision 075).
              syncSelectionFromDom(editor.view);
              b.run();
            }}
          >
            {b.label}
          </button>
        ))}
      </div>
      {linkOpen ? <LinkDialog editor={editor} onClose={() => setLinkOpen(false)} /> : null}
    </>
  );
}

/**
 * Adding or changing a link, inline under the toolbar: a labelled field with the address, Apply,
 * Remove (when there is a link) and Cancel. Escape closes it; focus goes back to the text.
 */
function LinkDialog({ editor, onClose }: { editor: Editor; onClose: () => void }) {
  const current = (editor.getAttributes("link").href as string | undefined) ?? "";
  const [address, setAddress] = useState(current);
  const [problem, setProblem] = useState<string | null>(null);
  const close = () => {
    onClose();
    editor.commands.focus();
  };
  const apply = () => {
    const href = address.trim();
    if (href === "") return setProblem("Enter the link's address, or press Remove.");
    if (!isAllowedLink(href)) return setProblem("Links must start with https://, http:// or mailto:.");
    if (editor.state.selection.empty && !editor.isActive("link")) {
      editor
        .chain()
        .focus()
        .insertContent({ type: "text", text: href, marks: [{ type: "link", attrs: { href } }] })
        .run();
    } else editor.chain().focus().extendMarkRange("link").setLink({ href }).run();
    onClose();
  };
  const remove = () => {
    editor.chain().focus().extendMarkRange("link").unsetLink().run();
    onClose();
  };
  return (
    // A dialog inside the page (not modal): Escape or Cancel close it.
    // eslint-disable-next-line jsx-a11y/no-noninteractive-element-interactions -- Escape closes the dialog
    <div
      className="link-dialog"
      role="dialog"
      aria-labelledby="link-dialog-heading"
      onKeyDown={(event) => {
        if (event.key === "Escape") {
          event.preventDefault();
          event.stopPropagation();
          close();
        }
        if (event.key === "Enter" && event.target instanceof HTMLInputElement) {
          event.preventDefault();
          apply();
        }
      }}
    >
      <h3 id="link-dialog-heading" className="visually-hidden">
        {current ? "Change the link" : "Add a link"}
      </h3>
      {current ? (
        <p className="link-current">
          Links to{" "}
          <a href={current} target="_blank" rel="noopener noreferrer nofollow">
            {current}
          </a>
        </p>
      ) : null}
      <div className="field">
        <label htmlFor="link-address">Link address</label>
        <input
          id="link-address"
          type="text"
          inputMode="url"
          autoComplete="url"
          // The dialog opens for this field: focus goes straight to it.
          // eslint-disable-next-line jsx-a11y/no-autofocus
          autoFocus
          value={address}
          placeholder="https://…"
          aria-describedby={problem ? "link-problem" : "link-hint"}
          aria-invalid={problem ? true : undefined}
          onChange={(event) => {
            setAddress(event.target.value);
            setProblem(null);
          }}
        />
        <p className="hint" id="link-hint">
          An address starting with https://, http:// or mailto:.
        </p>
        {problem ? (
          <p className="field-error" id="link-problem" role="alert">
            {problem}
          </p>
        ) : null}
      </div>
      <div className="actions">
        <button type="button" onClick={apply}>
          Apply
        </button>
        {current ? (
          <button type="button" className="secondary" onClick={remove}>
            Remove
          </button>
        ) : null}
        <button type="button" className="secondary" onClick={close}>
          Cancel
        </button>
      </div>
    </div>
  );
}
