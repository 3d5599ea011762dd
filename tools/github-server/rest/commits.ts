import type { Commit, Repo } from "../org/model.js";
import { hexOf } from "../random.js";
import { nodeId } from "../org/ids.js";
import type { RestView } from "./pulls.js";
import type { Schema } from "./schemas.js";
import { simpleUser } from "./users.js";
import { iso } from "./urls.js";

export function commit(view: RestView, repo: Repo, record: Commit, detail: boolean): Schema<"commit"> {
  const fullName = `${view.generated.org.login}/${repo.name}`;
  const api = `${view.urls.api}/repos/${fullName}`;
  const html = `${view.urls.web}/${fullName}/commit/${record.sha}`;
  return {
    url: `${api}/commits/${record.sha}`,
    sha: record.sha,
    node_id: nodeId("Commit", `${repo.index}/${record.sha}`),
    html_url: html,
    comments_url: `${api}/commits/${record.sha}/comments`,
    commit: {
      url: `${api}/git/commits/${record.sha}`,
      author: { name: record.authorName, email: record.authorEmail, date: iso(record.authoredAt) },
      committer: { name: record.committerName, email: record.committerEmail, date: iso(record.committedAt) },
      message: record.message,
      comment_count: 0,
      tree: { sha: hexOf(40, "tree", record.sha), url: `${api}/git/trees/${hexOf(40, "tree", record.sha)}` },
      verification: { verified: false, reason: "unsigned", payload: null, signature: null, verified_at: null },
    },
    author: record.author ? simpleUser(view.urls, record.author) : null,
    committer: record.committer ? simpleUser(view.urls, record.committer) : null,
    parents: record.parents.map((sha) => ({ sha, url: `${api}/commits/${sha}`, html_url: `${view.urls.web}/${fullName}/commit/${sha}` })),
    ...(detail && {
      stats: { additions: record.additions, deletions: record.deletions, total: record.additions + record.deletions },
      files: view.generated.files(repo, record).map((file) => {
        const blob = hexOf(40, "blob", record.sha, file.filename);
        return {
          sha: blob,
          filename: file.filename,
          status: file.status,
          additions: file.additions,
          deletions: file.deletions,
          changes: file.additions + file.deletions,
          blob_url: `${view.urls.web}/${fullName}/blob/${record.sha}/${file.filename}`,
          raw_url: `${view.urls.web}/${fullName}/raw/${record.sha}/${file.filename}`,
          contents_url: `${api}/contents/${file.filename}?ref=${record.sha}`,
        };
      }),
    }),
  };
}
