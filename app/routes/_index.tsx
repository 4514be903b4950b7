import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { PublicLayout } from "../components/layout";
import type { RouteHandle } from "../lib/route-handle";
import { getSiteProfile } from "../models/site.server";

export const handle: RouteHandle = { publicCache: true };

export async function loader({ context }: LoaderFunctionArgs) {
  const { coalition, pillars } = await getSiteProfile(context);
  return {
    name: coalition.name,
    tagline: coalition.tagline,
    about: coalition.about,
    vision: coalition.vision,
    pillars: pillars.map((p) => ({ key: p.key, name: p.name, description: p.description })),
  };
}

export default function Home() {
  const { name, tagline, about, vision, pillars } = useLoaderData<typeof loader>();
  return (
    <PublicLayout>
      <div className="hero">
        <h1>{name}</h1>
        <p className="tagline">{tagline}</p>
        <p>{about}</p>
      </div>
      <section aria-labelledby="vision">
        <h2 id="vision">Our vision</h2>
        <p>{vision}</p>
      </section>
      <section aria-labelledby="pillars">
        <h2 id="pillars">The four CARE pillars</h2>
        <ul className="cards">
          {pillars.map((p) => (
            <li className="card" key={p.key}>
              <h3>{p.name}</h3>
              <p>{p.description}</p>
            </li>
          ))}
        </ul>
      </section>
      <p>
        Members of the coalition: <Link to="/login">sign in</Link>.
      </p>
    </PublicLayout>
  );
}

export const meta: MetaFunction<typeof loader> = ({ data }) => [
  { title: data?.name ?? "CARE Table" },
  { name: "description", content: data?.tagline ?? "" },
];
