/** GitHub Enterprise Server URL layout: the web UI at the root, REST under /api/v3. */
export class Urls {
  readonly api: string;

  constructor(readonly web: string) {
    this.api = `${web}/api/v3`;
  }

  avatar(id: number): string {
    return `${this.web}/avatars/u/${id}`;
  }

  /** Bots' logins end in `[bot]`: GitHub escapes the brackets in URLs and links bots to their app's page. */
  user(login: string) {
    const api = `${this.api}/users/${encodeURIComponent(login)}`;
    const bot = /^(.+)\[bot\]$/.exec(login);
    return {
      url: api,
      html_url: bot ? `${this.web}/apps/${bot[1]}` : `${this.web}/${login}`,
      followers_url: `${api}/followers`,
      following_url: `${api}/following{/other_user}`,
      gists_url: `${api}/gists{/gist_id}`,
      starred_url: `${api}/starred{/owner}{/repo}`,
      subscriptions_url: `${api}/subscriptions`,
      organizations_url: `${api}/orgs`,
      repos_url: `${api}/repos`,
      events_url: `${api}/events{/privacy}`,
      received_events_url: `${api}/received_events`,
    };
  }

  repo(fullName: string) {
    const api = `${this.api}/repos/${fullName}`;
    return {
      url: api,
      html_url: `${this.web}/${fullName}`,
      forks_url: `${api}/forks`,
      keys_url: `${api}/keys{/key_id}`,
      collaborators_url: `${api}/collaborators{/collaborator}`,
      teams_url: `${api}/teams`,
      hooks_url: `${api}/hooks`,
      issue_events_url: `${api}/issues/events{/number}`,
      events_url: `${api}/events`,
      assignees_url: `${api}/assignees{/user}`,
      branches_url: `${api}/branches{/branch}`,
      tags_url: `${api}/tags`,
      blobs_url: `${api}/git/blobs{/sha}`,
      git_tags_url: `${api}/git/tags{/sha}`,
      git_refs_url: `${api}/git/refs{/sha}`,
      trees_url: `${api}/git/trees{/sha}`,
      statuses_url: `${api}/statuses/{sha}`,
      languages_url: `${api}/languages`,
      stargazers_url: `${api}/stargazers`,
      contributors_url: `${api}/contributors`,
      subscribers_url: `${api}/subscribers`,
      subscription_url: `${api}/subscription`,
      commits_url: `${api}/commits{/sha}`,
      git_commits_url: `${api}/git/commits{/sha}`,
      comments_url: `${api}/comments{/number}`,
      issue_comment_url: `${api}/issues/comments{/number}`,
      contents_url: `${api}/contents/{+path}`,
      compare_url: `${api}/compare/{base}...{head}`,
      merges_url: `${api}/merges`,
      archive_url: `${api}/{archive_format}{/ref}`,
      downloads_url: `${api}/downloads`,
      issues_url: `${api}/issues{/number}`,
      pulls_url: `${api}/pulls{/number}`,
      milestones_url: `${api}/milestones{/number}`,
      notifications_url: `${api}/notifications{?since,all,participating}`,
      labels_url: `${api}/labels{/name}`,
      releases_url: `${api}/releases{/id}`,
      deployments_url: `${api}/deployments`,
      git_url: `git://${new URL(this.web).host}/${fullName}.git`,
      ssh_url: `git@${new URL(this.web).hostname}:${fullName}.git`,
      clone_url: `${this.web}/${fullName}.git`,
      svn_url: `${this.web}/${fullName}`,
    };
  }
}

/** GitHub's timestamp format: ISO 8601 without milliseconds. */
export function iso(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, "Z");
}

export function isoOrNull(ms: number | null): string | null {
  return ms === null ? null : iso(ms);
}
