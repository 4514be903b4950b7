import { Extension, Node } from "@tiptap/core";
import type { Node as ProseMirrorNode, NodeType, ResolvedPos } from "@tiptap/pm/model";
import { TextSelection, type Command } from "@tiptap/pm/state";

declare module "@tiptap/core" {
  interface Commands<ReturnType> {
    proposalTable: {
      /** Inserts an empty table at the selection, its first row made of header cells. */
      insertTable: (options: { rows: number; cols: number }) => ReturnType;
      /** Removes the table around the selection. */
      deleteTable: () => ReturnType;
    };
  }
}

const cellAttributes = {
  colspan: { default: 1 },
  rowspan: { default: 1 },
  colwidth: { default: null },
};

/**
 * Tables of the proposal schema: the node names and attributes of Tiptap's table extension
 * (documents written with it read the same), with the editing the product offers: insert, remove,
 * Tab and Shift+Tab between cells, Tab in the last cell adds a row. Tiptap's extension and
 * prosemirror-tables also bring column resizing, cell selection and merging cells, which the
 * toolbar never offered; they were 14 KB of the proposal page's script (docs/decisions/096).
 */
const Table = Node.create({
  name: "table",
  group: "block",
  content: "tableRow+",
  isolating: true,
  parseHTML: () => [{ tag: "table" }],
  renderHTML: () => ["table", ["tbody", 0]],

  addCommands() {
    return {
      insertTable:
        ({ rows, cols }) =>
        ({ tr, dispatch, editor }) => {
          const table = createTable(editor.schema.nodes, rows, cols);
          if (dispatch) {
            // The caret goes into the first cell (as Tiptap's table extension put it).
            const offset = tr.selection.from + 1;
            tr.replaceSelectionWith(table)
              .setSelection(TextSelection.near(tr.doc.resolve(offset)))
              .scrollIntoView();
          }
          return true;
        },
      deleteTable:
        () =>
        ({ state, dispatch }) => {
          const table = ancestor(state.selection.$from, "table");
          if (table === null) return false;
          if (dispatch) dispatch(state.tr.delete(state.selection.$from.before(table), state.selection.$from.after(table)).scrollIntoView());
          return true;
        },
    };
  },

  addKeyboardShortcuts() {
    return {
      Tab: ({ editor }) => goToCell(1)(editor.state, editor.view.dispatch) || addRow(editor.state, editor.view.dispatch),
      "Shift-Tab": ({ editor }) => goToCell(-1)(editor.state, editor.view.dispatch),
    };
  },
});

/** The depth of the nearest table (or cell) around `$pos`, or null outside one. */
function ancestor($pos: ResolvedPos, kind: "table" | "cell"): number | null {
  for (let depth = $pos.depth; depth > 0; depth--) {
    const name = $pos.node(depth).type.name;
    if (kind === "table" ? name === "table" : name === "tableCell" || name === "tableHeader") return depth;
  }
  return null;
}

/** The cell `direction` cells after the caret's (row by row), its text selected; false at either end. */
export function goToCell(direction: 1 | -1): Command {
  return (state, dispatch) => {
    const { $from } = state.selection;
    const cell = ancestor($from, "cell");
    if (cell === null) return false;
    const starts: number[] = [];
    const tableStart = $from.start(cell - 2);
    $from.node(cell - 2).forEach((row, rowOffset) => row.forEach((_c, cellOffset) => starts.push(tableStart + rowOffset + 1 + cellOffset)));
    const start = starts[starts.indexOf($from.before(cell)) + direction];
    if (start === undefined) return false;
    const size = state.doc.nodeAt(start)!.nodeSize;
    if (dispatch) {
      const selection = TextSelection.between(state.doc.resolve(start + 1), state.doc.resolve(start + size - 1));
      dispatch(state.tr.setSelection(selection).scrollIntoView());
    }
    return true;
  };
}

/** In the last cell: a new row of empty cells below, shaped like the caret's row, the caret in its first cell. */
export const addRow: Command = (state, dispatch) => {
  const { $from } = state.selection;
  const cell = ancestor($from, "cell");
  if (cell === null) return false;
  const { tableRow, tableCell } = state.schema.nodes;
  const cells: ProseMirrorNode[] = [];
  $from.node(cell - 1).forEach((c) => cells.push(tableCell!.createAndFill({ colspan: c.attrs.colspan as number })!));
  const at = $from.after(cell - 1);
  if (dispatch) {
    const tr = state.tr.insert(at, tableRow!.create(null, cells));
    dispatch(tr.setSelection(TextSelection.near(tr.doc.resolve(at + 2))).scrollIntoView());
  }
  return true;
};

const TableRow = Node.create({
  name: "tableRow",
  content: "(tableCell | tableHeader)*",
  parseHTML: () => [{ tag: "tr" }],
  renderHTML: () => ["tr", 0],
});

function cellNode(name: string, tag: "td" | "th") {
  return Node.create({
    name,
    content: "block+",
    isolating: true,
    addAttributes: () => cellAttributes,
    parseHTML: () => [{ tag }],
    renderHTML: ({ node }) => {
      const { colspan, rowspan } = node.attrs as { colspan: number; rowspan: number };
      return [tag, { ...(colspan !== 1 ? { colspan } : {}), ...(rowspan !== 1 ? { rowspan } : {}) }, 0];
    },
  });
}

const TableCell = cellNode("tableCell", "td");
const TableHeader = cellNode("tableHeader", "th");

/** The four table nodes, in the order Tiptap's TableKit registered them (the schema's order). */
export const ProposalTables = Extension.create({
  name: "proposalTables",
  addExtensions: () => [Table, TableCell, TableHeader, TableRow],
});

function createTable(nodes: Record<string, NodeType>, rows: number, cols: number): ProseMirrorNode {
  const row = (cellType: NodeType) =>
    nodes.tableRow!.create(
      null,
      Array.from({ length: cols }, () => cellType.createAndFill()!),
    );
  return nodes.table!.create(null, [row(nodes.tableHeader!), ...Array.from({ length: rows - 1 }, () => row(nodes.tableCell!))]);
}
