import { TableScroll } from "../../components/table-scroll";
import { ballotOptionLabels, type BallotOption } from "../../lib/round-outcome";
import type { RoundPageData } from "./route";

export function RosterTable({ page }: { page: RoundPageData }) {
  const silent = page.status === "open" ? "No answer yet" : "Did not answer";
  return (
    <section aria-labelledby="roster">
      <h2 id="roster">Roster and answers</h2>
      {!page.seeAll ? (
        <p>While the round is open, each organization sees only its own answer. Everyone sees all answers after the close.</p>
      ) : null}
      <TableScroll label="Roster and answers">
        <table className="stack-table">
          <thead>
            <tr>
              <th scope="col">Organization</th>
              <th scope="col">Answer</th>
              <th scope="col">Reason</th>
              <th scope="col">Cast by</th>
            </tr>
          </thead>
          <tbody>
            {page.roster.map((r) => (
              <tr key={r.organizationId}>
                <th scope="row">
                  {r.name}
                  {r.suspended ? " (suspended)" : ""}
                </th>
                <td data-label="Answer">
                  {r.ballot ? ballotOptionLabels[r.ballot.option as BallotOption] : r.answered ? "Answered" : silent}
                </td>
                <td className="preserve-lines" data-label="Reason">
                  {r.ballot?.reason}
                  {r.ballot?.passage ? (
                    <>
                      <br />
                      <strong>About the passage:</strong> “{r.ballot.passage}”
                    </>
                  ) : null}
                  {r.ballot?.response ? (
                    <>
                      <br />
                      <strong>Convener&apos;s response:</strong> {r.ballot.response}
                    </>
                  ) : null}
                </td>
                <td data-label="Cast by">
                  {r.ballot
                    ? `${r.ballot.castBy}${r.ballot.recordedByConvener ? " (recorded by a convener)" : ""}, ${r.ballot.castAt}`
                    : ""}
                  {r.ballot?.note ? <span className="hint block">Note: {r.ballot.note}</span> : null}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </TableScroll>
    </section>
  );
}

export function BallotHistory({ page }: { page: RoundPageData }) {
  if (page.history.length === 0) return null;
  return (
    <section aria-labelledby="history">
      <h2 id="history">{page.isConvener ? "Ballot history" : "Your organization's ballot history"}</h2>
      <ol reversed>
        {page.history.map((h) => (
          <li key={h.id}>
            {h.at}: {h.organizationName}, {ballotOptionLabels[h.option as BallotOption]}, by {h.castBy}
            {h.recordedByConvener ? " (recorded by a convener)" : ""}
            {h.reason ? ` — “${h.reason}”` : ""}
          </li>
        ))}
      </ol>
    </section>
  );
}
