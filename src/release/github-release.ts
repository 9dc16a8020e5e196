// The SDK's own GitHub release: found (published, or a draft left by an earlier run), created as a
// draft, filled with assets through its upload_url, then published. Draft first is what immutable
// releases require, and what `gh release create` does.
import { openAsBlob } from "node:fs";
import type { Octokit } from "@octokit/rest";
import { fail } from "../errors.js";
import { info } from "../log.js";
import { Transient, withRetries } from "../upstream/http/fetch.js";
import { HttpFailure, apiCall, type GitHubAccess } from "../upstream/http/github-api.js";

export interface RemoteAsset {
  id: number;
  name: string;
  size: number;
  state: string;
  digest?: string | null;
}

export interface RemoteRelease {
  id: number;
  draft: boolean;
  immutable: boolean;
  uploadUrl: string;
  htmlUrl: string;
  assets: RemoteAsset[];
}

/** A file to upload: on disk, or in memory (SHA256SUMS). */
export interface Upload {
  name: string;
  size: number;
  sha256: string;
  contentType: string;
  source: string | Buffer;
}

export class ReleaseRepository {
  constructor(
    private readonly octokit: Octokit,
    private readonly access: GitHubAccess,
    readonly owner: string,
    readonly repo: string,
  ) {}

  private get where(): string {
    return `${this.owner}/${this.repo}`;
  }

  /** The published release tagged `tag`, else a draft with that tag, else undefined. */
  async find(tag: string): Promise<RemoteRelease | undefined> {
    const { owner, repo } = this;
    try {
      const published = await apiCall(this.access, `look up the release "${tag}" of ${this.where}`, () => this.octokit.rest.repos.getReleaseByTag({ owner, repo, tag }));
      return toRelease(published.data);
    } catch (e) {
      if (!(e instanceof HttpFailure && e.status === 404)) throw e;
    }
    // Drafts have no tag yet, so only the list (which needs push access) shows them.
    const all = await apiCall(this.access, `list the releases of ${this.where}`, () =>
      this.octokit.paginate(this.octokit.rest.repos.listReleases, { owner, repo, per_page: 100 }),
    );
    const draft = all.find((r) => r.draft && r.tag_name === tag);
    return draft ? toRelease(draft) : undefined;
  }

  async createDraft(tag: string, name: string, body: string): Promise<RemoteRelease> {
    const { owner, repo } = this;
    const created = await apiCall(this.access, `create the draft release "${tag}" in ${this.where}`, () =>
      this.octokit.rest.repos.createRelease({ owner, repo, tag_name: tag, name, body, draft: true }),
    );
    info(`created the draft release ${tag} in ${this.where}`);
    return toRelease(created.data);
  }

  async deleteAsset(asset: RemoteAsset): Promise<void> {
    const { owner, repo } = this;
    await apiCall(this.access, `delete the asset ${asset.name} of ${this.where}`, () =>
      this.octokit.rest.repos.deleteReleaseAsset({ owner, repo, asset_id: asset.id }),
    );
  }

  /**
   * Uploads one file. A failed attempt may leave a broken asset (state "starter") behind: it is
   * deleted before the next try. A 422 "already exists" is fine when the existing asset is this file.
   */
  async upload(release: RemoteRelease, file: Upload): Promise<void> {
    const { owner, repo } = this;
    await withRetries(`uploading ${file.name}`, async () => {
      try {
        const data = typeof file.source === "string" ? await openAsBlob(file.source) : new Blob([file.source]);
        await this.octokit.rest.repos.uploadReleaseAsset({
          owner, repo, release_id: release.id, name: file.name, url: release.uploadUrl,
          data: data as unknown as string,
          headers: { "content-type": file.contentType, "content-length": file.size },
        });
      } catch (e) {
        const status = (e as { status?: number }).status;
        const transient = status === undefined || status >= 500;
        if (!transient && status !== 422) {
          fail(`GitHub answered ${status} to the upload of ${file.name} to ${this.where}: ${(e as Error).message}`);
        }
        const existing = (await this.assets(release)).find((a) => a.name === file.name);
        if (existing && existing.state !== "uploaded") await this.deleteAsset(existing);
        else if (existing && matches(existing, file)) return;
        else if (existing) fail(`${this.where} already has a different ${file.name} in this release; delete it or release a new version.`);
        if (transient) throw new Transient(`the upload failed (${status ?? (e as Error).message})`);
        throw new Transient("GitHub saw the name as taken, but no finished asset had it");
      }
    });
    info(`uploaded ${file.name}`);
  }

  async assets(release: RemoteRelease): Promise<RemoteAsset[]> {
    const { owner, repo } = this;
    return apiCall(this.access, `list the assets of the release in ${this.where}`, () =>
      this.octokit.paginate(this.octokit.rest.repos.listReleaseAssets, { owner, repo, release_id: release.id, per_page: 100 }),
    );
  }

  /** Sets the notes and publishes the draft (the tag is created now). */
  async publish(release: RemoteRelease, body: string): Promise<RemoteRelease> {
    const { owner, repo } = this;
    const updated = await apiCall(this.access, `publish the release in ${this.where}`, () =>
      this.octokit.rest.repos.updateRelease({ owner, repo, release_id: release.id, draft: false, body, make_latest: "true" }),
    );
    return toRelease(updated.data);
  }
}

/** True when a remote asset is this file: uploaded, same size, and the same digest if GitHub gives one. */
export function matches(remote: RemoteAsset, file: Upload): boolean {
  return remote.state === "uploaded" && remote.size === file.size && (!remote.digest || remote.digest === `sha256:${file.sha256}`);
}

function toRelease(data: { id: number; draft: boolean; upload_url: string; html_url: string; assets: RemoteAsset[] } & { immutable?: boolean }): RemoteRelease {
  return { id: data.id, draft: data.draft, immutable: data.immutable === true, uploadUrl: data.upload_url, htmlUrl: data.html_url, assets: data.assets };
}
