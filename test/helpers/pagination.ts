import { expect } from "vitest";
import type { ApiClient } from "./test-app";

export interface Page {
  items: any[];
  nextCursor: string | null;
}

/** Walks every page of a list, returning the pages in order. */
export async function walkPages(client: ApiClient, path: string): Promise<Page[]> {
  const pages: Page[] = [];
  let cursor: string | null = null;
  for (let guard = 0; guard < 50; guard += 1) {
    const separator = path.includes("?") ? "&" : "?";
    const url: string = cursor ? `${path}${separator}cursor=${encodeURIComponent(cursor)}` : path;
    const response = await client.get(url);
    expect(response.status, JSON.stringify(response.body)).toBe(200);
    pages.push(response.body);
    cursor = response.body.nextCursor;
    if (cursor === null) return pages;
  }
  throw new Error("pagination did not end");
}
