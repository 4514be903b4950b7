import { getSchema } from "@tiptap/core";
import { EditorState, TextSelection, type Command } from "@tiptap/pm/state";
import { describe, expect, it } from "vitest";
import { proposalExtensions } from "./editor-extensions";
import { addRow, goToCell } from "./editor-tables";

const schema = getSchema(proposalExtensions());
const cell = (text: string, type = "tableCell") => ({
  type,
  content: [{ type: "paragraph", content: text ? [{ type: "text", text }] : [] }],
});
const doc = schema.nodeFromJSON({
  type: "doc",
  content: [
    { type: "paragraph", content: [{ type: "text", text: "Before" }] },
    {
      type: "table",
      content: [
        { type: "tableRow", content: [cell("Need", "tableHeader"), cell("Who", "tableHeader")] },
        { type: "tableRow", content: [cell("Chairs"), cell("")] },
      ],
    },
  ],
});

/** Runs commands one after another from a caret in the cell holding `start`; what each did. */
function steps(start: string, commands: Command[]) {
  let position = 0;
  doc.descendants((node, pos) => {
    if (node.isText && node.text === start) position = pos + 1;
  });
  let state = EditorState.create({ doc, selection: TextSelection.create(doc, position) });
  return commands.map((command) => {
    const done = command(state, (tr) => void (state = state.apply(tr)));
    const { $from, from, to } = state.selection;
    return { done, cell: $from.parent.textContent, selected: state.doc.textBetween(from, to), rows: state.doc.child(1).childCount };
  });
}

describe("table editing", () => {
  it("Tab goes cell by cell, row by row, selecting the cell's words; Shift+Tab goes back", () => {
    expect(steps("Need", [goToCell(1), goToCell(1), goToCell(-1), goToCell(-1)])).toEqual([
      { done: true, cell: "Who", selected: "Who", rows: 2 },
      { done: true, cell: "Chairs", selected: "Chairs", rows: 2 },
      { done: true, cell: "Who", selected: "Who", rows: 2 },
      { done: true, cell: "Need", selected: "Need", rows: 2 },
    ]);
  });

  it("stops at the table's ends, where Tab adds a row of empty cells and goes into its first", () => {
    expect(steps("Need", [goToCell(-1)])).toEqual([{ done: false, cell: "Need", selected: "", rows: 2 }]);
    expect(steps("Chairs", [goToCell(1), goToCell(1), addRow, goToCell(-1)])).toEqual([
      { done: true, cell: "", selected: "", rows: 2 },
      { done: false, cell: "", selected: "", rows: 2 },
      { done: true, cell: "", selected: "", rows: 3 },
      { done: true, cell: "", selected: "", rows: 3 },
    ]);
  });

  it("does nothing outside a table", () => {
    expect(steps("Before", [goToCell(1), addRow])).toEqual([
      { done: false, cell: "Before", selected: "", rows: 2 },
      { done: false, cell: "Before", selected: "", rows: 2 },
    ]);
  });

  it("writes plain table markup: rows, header and body cells, spans only when not 1", () => {
    const table = schema.nodes.table!;
    expect(table.spec.toDOM!(doc.child(1))).toEqual(["table", ["tbody", 0]]);
    const header = doc.child(1).child(0).child(0);
    expect(header.type.spec.toDOM!(header)).toEqual(["th", {}, 0]);
    expect(schema.nodes.tableCell!.spec.toDOM!(schema.nodes.tableCell!.createAndFill({ colspan: 2 })!)).toEqual(["td", { colspan: 2 }, 0]);
  });
});
