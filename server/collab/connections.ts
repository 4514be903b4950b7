/**
 * The in-process registry of open collaboration connections, by person and organization, so that
 * logout, deactivation and suspension reach live sockets within seconds.
 */
export interface RegisteredConnection {
  personId: string;
  sessionId: string;
  organizationId(): string | null;
}

export class ConnectionRegistry<C extends RegisteredConnection> {
  private all = new Set<C>();
  private byPerson = new Map<string, Set<C>>();

  add(connection: C) {
    this.all.add(connection);
    let set = this.byPerson.get(connection.personId);
    if (!set) this.byPerson.set(connection.personId, (set = new Set()));
    set.add(connection);
  }

  remove(connection: C) {
    this.all.delete(connection);
    const set = this.byPerson.get(connection.personId);
    set?.delete(connection);
    if (set?.size === 0) this.byPerson.delete(connection.personId);
  }

  get size(): number {
    return this.all.size;
  }

  list(): C[] {
    return [...this.all];
  }

  ofPerson(personId: string): C[] {
    return [...(this.byPerson.get(personId) ?? [])];
  }

  ofOrganization(organizationId: string): C[] {
    return this.list().filter((c) => c.organizationId() === organizationId);
  }

  countOfPerson(personId: string): number {
    return this.byPerson.get(personId)?.size ?? 0;
  }
}
