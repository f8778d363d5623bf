package io.github.harbordt.kamelet;

import java.time.Duration;

/**
 * What both Harbor sources are configured with, as Kamelet bean properties: the Harbor address, the robot account,
 * the page size and how far back the first poll reaches. The reader is made on the first poll, when every property
 * has been set.
 */
abstract class HarborSource {

    private String url;
    private String username = "";
    private String password = "";
    private int pageSize = 100;
    private Duration lookBack;
    private HarborReader reader;

    HarborSource(Duration lookBack) {
        this.lookBack = lookBack;
    }

    public void setUrl(String url) {
        this.url = url;
    }

    public void setUsername(String username) {
        this.username = username;
    }

    public void setPassword(String password) {
        this.password = password;
    }

    /** Items per Harbor page; Harbor allows at most 100. */
    public void setPageSize(int pageSize) {
        this.pageSize = Math.max(1, Math.min(pageSize, 100));
    }

    /** An ISO-8601 duration ({@code PT24H}): how far back the first poll reaches. */
    public void setLookBack(String lookBack) {
        this.lookBack = Duration.parse(lookBack);
    }

    Duration lookBack() {
        return lookBack;
    }

    int pageSize() {
        return pageSize;
    }

    /** Null before the first poll. */
    HarborReader readerOrNull() {
        return reader;
    }

    HarborReader reader() {
        if (reader == null) {
            reader = new HarborReader(url, username, password, pageSize);
        }
        return reader;
    }
}
