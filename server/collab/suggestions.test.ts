import { describe, expect, it } from "vitest";
import * as Y from "yjs";
import { SUGGESTION_INSERT, type SuggestionIdentity } from "../../app/lib/suggestions";
import { BODY_FRAGMENT } from "./derive";
import { SuggestionChecker } from "./suggestions";

const suggester: SuggestionIdentity = { personId: "p-1", name: "Sam", organizationId: "o-1", organization: "NDSS" };
const mark = (id: string) => ({
  id,
  by: suggester.personId,
  name: suggester.name,
  orgId: suggester.organizationId,
  org: suggester.organization,
});

/** A client's change of its own copy of the document's body, as the update it would send. */
function updateOf(client: Y.Doc, change: (body: Y.XmlFragment) => void): Uint8Array {
  let update: Uint8Array | null = null;
  const take = (u: Uint8Array) => (update = u);
  client.on("update", take);
  change(client.getXmlFragment(BODY_FRAGMENT));
  client.off("update", take);
  if (!update) throw new Error("the edit changed nothing");
  return update;
}

/** An edit of the first paragraph's text. */
const edit = (client: Y.Doc, change: (text: Y.XmlText) => void) =>
  updateOf(client, (body) => change((body.get(0) as Y.XmlElement).get(0) as Y.XmlText));

/** A room's document written by an author (`paragraphs`, "" for an empty one), a suggester's copy of it, and the check. */
function room(paragraphs: string[]) {
  const server = new Y.Doc();
  const author = new Y.Doc();
  author.getXmlFragment(BODY_FRAGMENT).insert(
    0,
    paragraphs.map((words) => {
      const paragraph = new Y.XmlElement("paragraph");
      // An empty paragraph has no text node at all until someone types in it (as y-prosemirror writes it).
      if (words) paragraph.insert(0, [new Y.XmlText(words)]);
      return paragraph;
    }),
  );
  Y.applyUpdate(server, Y.encodeStateAsUpdate(author));
  const copyOf = () => {
    const client = new Y.Doc();
    Y.applyUpdate(client, Y.encodeStateAsUpdate(server));
    return client;
  };
  return { server, author, copyOf, suggesting: copyOf(), checker: new SuggestionChecker(server) };
}

describe("the suggestion check's copy follows the document", () => {
  it("judges each update against the document as it is now: edits by others, refusals and acceptances in any order", () => {
    const { server, author, copyOf, suggesting, checker } = room(["Coverage for every child."]);
    /** What the room does: check, then apply only what passed; the suggester's editor keeps its own edits either way. */
    const send = (update: Uint8Array) => {
      const verdict = checker.check(update, suggester);
      if (verdict.ok) Y.applyUpdate(server, update);
      return verdict.ok;
    };
    const sync = () => {
      Y.applyUpdate(suggesting, Y.encodeStateAsUpdate(server));
      Y.applyUpdate(author, Y.encodeStateAsUpdate(server));
    };

    expect(send(edit(suggesting, (t) => t.insert(0, "Timely ", { [SUGGESTION_INSERT]: mark("s1") })))).toBe(true);

    // Someone editing directly changes the text: the next suggestion is judged against it.
    sync();
    const direct = edit(author, (t) => t.insert(t.length, " Now."));
    Y.applyUpdate(server, direct);
    Y.applyUpdate(suggesting, direct);
    expect(send(edit(suggesting, (t) => t.insert(t.length, "!", { [SUGGESTION_INSERT]: mark("s2") })))).toBe(true);

    // Plain typing just after the direct edit (its words are the update's neighbours) is refused.
    expect(send(edit(suggesting, (t) => t.insert(t.length - 1, " really")))).toBe(false);
    expect(server.getXmlFragment(BODY_FRAGMENT).toString()).not.toContain("really");

    // After a refusal the next real suggestion is judged against the document, not the refused state.
    const fresh = copyOf();
    expect(send(edit(fresh, (t) => t.insert(0, "Always ", { [SUGGESTION_INSERT]: mark("s3") })))).toBe(true);
    // Deleting accepted words ("Cov", after the two suggested insertions) is refused.
    expect(send(edit(fresh, (t) => t.delete(14, 3)))).toBe(false);
    expect(send(edit(fresh, (t) => t.insert(t.length, "?", { [SUGGESTION_INSERT]: mark("s4") })))).toBe(true);
    expect(server.getXmlFragment(BODY_FRAGMENT).toString()).toContain("Coverage for every child. Now.");
    checker.destroy();
  });
});

describe("the suggestion check's cost", () => {
  it("keeps no update listener on the document (Yjs would encode each of its transactions for it)", () => {
    const { server, suggesting, checker } = room(["Coverage for every child."]);
    expect(
      checker.check(
        edit(suggesting, (t) => t.insert(0, "Timely ", { [SUGGESTION_INSERT]: mark("s1") })),
        suggester,
      ).ok,
    ).toBe(true);
    expect(server._observers.has("update")).toBe(false);
    expect(server._observers.has("updateV2")).toBe(false);
    checker.destroy();
  });

  it("catches up with deletions alone: deleting words someone else already deleted changes nothing and passes", () => {
    const { server, author, suggesting, checker } = room(["Coverage for every child."]);
    // The copy is made by a first check, then the document changes by a deletion only (no new item).
    const first = edit(suggesting, (t) => t.insert(0, "Timely ", { [SUGGESTION_INSERT]: mark("s1") }));
    expect(checker.check(first, suggester).ok).toBe(true);
    Y.applyUpdate(server, first);
    Y.applyUpdate(author, Y.encodeStateAsUpdate(server));
    Y.applyUpdate(
      server,
      edit(author, (t) => t.delete(20, 6)),
    );
    expect(server.getXmlFragment(BODY_FRAGMENT).toString()).not.toContain("every");
    // The suggester's editor had not heard of it and deletes the same words.
    expect(
      checker.check(
        edit(suggesting, (t) => t.delete(20, 6)),
        suggester,
      ).ok,
    ).toBe(true);
    // Nobody reported the deletion (follow): the copy caught up by state vector and deletions.
    expect(checker.fullCatchUps).toBe(1);
    checker.destroy();
  });

  it("applies the updates the room reports, deletions alone included, without looking at the whole document", () => {
    const { server, author, copyOf, suggesting, checker } = room(["Coverage for every child."]);
    /** What the room does with every update it applies. */
    const apply = (update: Uint8Array) => {
      Y.applyUpdate(server, update);
      checker.follow(update);
    };
    const send = (update: Uint8Array) => {
      const verdict = checker.check(update, suggester);
      if (verdict.ok) apply(update);
      return verdict.ok;
    };
    /** The author's direct edit of the document as it is, reported; `seenBy` a client that receives it. */
    const authorEdits = (change: (text: Y.XmlText) => void, seenBy?: Y.Doc) => {
      Y.applyUpdate(author, Y.encodeStateAsUpdate(server));
      const update = edit(author, change);
      apply(update);
      if (seenBy) Y.applyUpdate(seenBy, update);
    };
    expect(send(edit(suggesting, (t) => t.insert(0, "Timely ", { [SUGGESTION_INSERT]: mark("s1") })))).toBe(true);
    // Someone else adds words, then deletes others (an update with no new item).
    authorEdits((t) => t.insert(t.length, " Now."), suggesting);
    authorEdits((t) => t.delete(20, 6));
    // Typing plainly next to the reported words is refused.
    expect(send(edit(suggesting, (t) => t.insert(t.length - 1, " really")))).toBe(false);
    expect(server.getXmlFragment(BODY_FRAGMENT).toString()).not.toContain("really");
    // After the refusal (a new copy, and the suggester's editor loads the document again), reported edits again.
    const fresh = copyOf();
    expect(send(edit(fresh, (t) => t.insert(0, "Fair ", { [SUGGESTION_INSERT]: mark("s2") })))).toBe(true);
    authorEdits((t) => t.insert(t.length, " Please."), fresh);
    // The author deletes accepted words; the suggester, not yet told, deletes the same: nothing changes.
    authorEdits((t) => t.delete(21, 4));
    expect(server.getXmlFragment(BODY_FRAGMENT).toString()).toContain("Coverage child. Now. Please.");
    expect(send(edit(fresh, (t) => t.delete(21, 4)))).toBe(true);
    expect(checker.fullCatchUps).toBe(0);
    checker.destroy();
  });

  it("judges a paragraph a check has already seen again once another person changed it", () => {
    const { server, author, suggesting, checker } = room(["Coverage for every child.", "Research funding."]);
    const second = (client: Y.Doc, change: (text: Y.XmlText) => void) =>
      updateOf(client, (body) => change((body.get(1) as Y.XmlElement).get(0) as Y.XmlText));
    const first = second(suggesting, (t) => t.insert(0, "More ", { [SUGGESTION_INSERT]: mark("s1") }));
    expect(checker.check(first, suggester).ok).toBe(true);
    Y.applyUpdate(server, first);
    // The author changes the second paragraph directly; the suggester, synced, then types plainly into it.
    Y.applyUpdate(author, Y.encodeStateAsUpdate(server));
    const direct = second(author, (t) => t.insert(t.length, " Now"));
    Y.applyUpdate(server, direct);
    Y.applyUpdate(suggesting, direct);
    expect(
      checker.check(
        second(suggesting, (t) => t.insert(t.length, "!")),
        suggester,
      ).ok,
    ).toBe(false);
    checker.destroy();
  });
});

describe("a suggestion in an empty paragraph", () => {
  it("is accepted: the text node the editor makes there holds nothing but the suggestion", () => {
    const { copyOf, suggesting, checker } = room(["Coverage for every child.", ""]);
    const inEmpty = (client: Y.Doc, text: Y.XmlText) => updateOf(client, (body) => (body.get(1) as Y.XmlElement).insert(0, [text]));
    const own = new Y.XmlText();
    own.applyDelta([{ insert: "Also adults.", attributes: { [SUGGESTION_INSERT]: mark("s1") } }]);
    expect(checker.check(inEmpty(suggesting, own), suggester).ok).toBe(true);
    // Words of the accepted text typed there are still refused.
    expect(checker.check(inEmpty(copyOf(), new Y.XmlText("Also adults.")), suggester).ok).toBe(false);
    checker.destroy();
  });
});
