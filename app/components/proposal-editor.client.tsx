import Collaboration from "@tiptap/extension-collaboration";
import CollaborationCaret from "@tiptap/extension-collaboration-caret";
import { EditorContent, useEditor, useEditorState, type Editor } from "@tiptap/react";
import { useEffect, useReducer, useState } from "react";
import { openCollabSession, type CollabSession, type SaveState } from "../lib/collab-client";
import { isAllowedLink, proposalExtensions } from "../lib/editor-extensions";

export interface EditorUser {
  personId: string;
  name: string;
  organization: string | null;
  color: string;
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
  canEdit,
  readOnlyReason,
}: {
  proposalId: string;
  user: EditorUser;
  canEdit: boolean;
  readOnlyReason: string | null;
}) {
  const [, rerender] = useReducer((n: number) => n + 1, 0);
  const [session, setSession] = useState<CollabSession | null>(null);
  useEffect(() => {
    // Created in the effect and destroyed in its cleanup (StrictMode runs effects twice).
    const s = openCollabSession({ proposalId, personId: user.personId, onChange: rerender });
    // The session is an external resource made here (not derivable during render): keep it.
    // eslint-disable-next-line react-hooks/set-state-in-effect
    setSession(s);
    return () => s.destroy();
  }, [proposalId, user.personId]);

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
  return <BoundEditor key={proposalId} session={session} user={user} canEdit={canEdit} readOnlyReason={readOnlyReason} />;
}

function BoundEditor({
  session,
  user,
  canEdit,
  readOnlyReason,
}: {
  session: CollabSession;
  user: EditorUser;
  canEdit: boolean;
  readOnlyReason: string | null;
}) {
  const readOnly = session.access ? session.access.readOnly : !canEdit;
  const reason = session.access ? session.access.reason : readOnlyReason;
  const editor = useEditor(
    {
      immediatelyRender: false,
      editable: !readOnly,
      extensions: [
        ...proposalExtensions(),
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
    },
    [session],
  );

  useEffect(() => {
    if (!editor) return;
    editor.setEditable(!readOnly);
    editor.view.dom.setAttribute("aria-readonly", readOnly ? "true" : "false");
  }, [editor, readOnly]);

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
            Your last edit was refused and not saved: {session.refused.replace(/^read-only: this edit was refused and not saved\.\s*/, "")}
          </p>
        </div>
      ) : null}
      {readOnly && reason ? (
        <div className="notice warning" role="status">
          <p>{reason}</p>
        </div>
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
      <div className="editor-frame">
        {editor && !readOnly ? <Toolbar editor={editor} /> : null}
        <EditorContent editor={editor} />
      </div>
    </>
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
  const setLink = () => {
    const previous = (editor.getAttributes("link").href as string | undefined) ?? "https://";
    const href = window.prompt("Link address (https://…, or mailto:…). Leave empty to remove the link.", previous);
    if (href === null) return;
    if (href.trim() === "") chain().extendMarkRange("link").unsetLink().run();
    else if (isAllowedLink(href.trim())) chain().extendMarkRange("link").setLink({ href: href.trim() }).run();
    else window.alert("Links must start with https://, http:// or mailto:.");
  };
  const button = (label: string, pressed: boolean | undefined, run: () => void) => (
    <button type="button" className="secondary" aria-pressed={pressed} onClick={run}>
      {label}
    </button>
  );
  return (
    <div className="editor-toolbar" role="toolbar" aria-label="Formatting">
      {button("Bold", active.bold, () => chain().toggleBold().run())}
      {button("Italic", active.italic, () => chain().toggleItalic().run())}
      {button("Heading", active.h2, () => chain().toggleHeading({ level: 2 }).run())}
      {button("Subheading", active.h3, () => chain().toggleHeading({ level: 3 }).run())}
      {button("Bulleted list", active.bullet, () => chain().toggleBulletList().run())}
      {button("Numbered list", active.ordered, () => chain().toggleOrderedList().run())}
      {button("Quote", active.quote, () => chain().toggleBlockquote().run())}
      {button("Link", active.link, setLink)}
      {active.table
        ? button("Remove table", undefined, () => chain().deleteTable().run())
        : button("Table", undefined, () => chain().insertTable({ rows: 3, cols: 3, withHeaderRow: true }).run())}
    </div>
  );
}
