package io.github.harbordt.harbor;

import io.github.harbordt.config.HarborInstance;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/**
 * Every Harbor API URL the connector calls, built in one place: names are encoded as Harbor wants them (a repository's
 * slash twice, see {@link HarborPaging#repositorySegment}), listings start at page 1 with the instance's page size.
 */
public final class HarborUrls {

    /** Asks an artifact listing for what selecting a scan needs: the scan overview and the tags. */
    public static final String ARTIFACT_FLAGS = "with_scan_overview=true&with_tag=true";
    /** How every report URL ends: {@link HarborRequests} parses these answers as reports. */
    public static final String REPORT = "/additions/vulnerabilities";
    /** Harbor's largest page of webhook policies; a project has a handful. */
    private static final int POLICY_PAGE = 100;
    /** Harbor's {@code q} time format: seconds, UTC, no zone. */
    private static final DateTimeFormatter QUERY_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss").withZone(ZoneOffset.UTC);

    private final String api;
    private final int pageSize;

    /** @param url the Harbor address without {@code /api/v2.0} */
    public HarborUrls(String url, int pageSize) {
        this.api = url + "/api/v2.0";
        this.pageSize = pageSize;
    }

    public static HarborUrls of(HarborInstance instance) {
        return new HarborUrls(instance.url(), instance.pageSize());
    }

    public String systemInfo() {
        return api + "/systeminfo";
    }

    public String projects() {
        return api + "/projects?page=1&page_size=" + pageSize;
    }

    /** Since Harbor 2.12: every artifact of a project in one paged listing. */
    public String projectArtifacts(String project) {
        return project(project) + "/artifacts?page=1&page_size=" + pageSize + "&" + ARTIFACT_FLAGS;
    }

    public String repositories(String project) {
        return project(project) + "/repositories?page=1&page_size=" + pageSize;
    }

    public String repositoryArtifacts(String project, String repository) {
        return repository(project, repository) + "/artifacts?page=1&page_size=" + pageSize + "&" + ARTIFACT_FLAGS;
    }

    public String artifact(String project, String repository, String digest) {
        return repository(project, repository) + "/artifacts/" + digest + "?" + ARTIFACT_FLAGS;
    }

    public String report(String project, String repository, String digest) {
        return repository(project, repository) + "/artifacts/" + digest + REPORT;
    }

    /** Where a project's webhook policies are created; {@link #webhookPolicy} names one to update. */
    public String webhookPolicies(String project) {
        return project(project) + "/webhook/policies";
    }

    public String webhookPoliciesPage(String project) {
        return webhookPolicies(project) + "?page=1&page_size=" + POLICY_PAGE;
    }

    public String webhookPolicy(String project, long id) {
        return webhookPolicies(project) + "/" + id;
    }

    /* Audit-log listings; {@code path} is the stream's own ({@code /audit-logs} or {@code /auditlog-exts}). */

    /** The newest row only: tells whether the stream is served at all. */
    public String auditNewest(String path) {
        return api + path + "?sort=-id&page=1&page_size=1";
    }

    /** The first row at or after {@code time}: where a stream read for the first time begins. */
    public String auditFirstAt(String path, Instant time) {
        return api + path + "?q=" + HarborPaging.encode("op_time=[" + QUERY_TIME.format(time) + "~]") + "&sort=id&page=1&page_size=1";
    }

    /** Rows from id {@code fromId} on, oldest first: ids, unlike times, never tie. */
    public String auditFrom(String path, long fromId, int auditPageSize) {
        return api + path + "?q=" + HarborPaging.encode("id=[" + fromId + "~]") + "&sort=id&page=1&page_size=" + auditPageSize;
    }

    private String project(String project) {
        return api + "/projects/" + HarborPaging.encode(project);
    }

    private String repository(String project, String repository) {
        return project(project) + "/repositories/" + HarborPaging.repositorySegment(project, repository);
    }
}
