package io.github.harbordt.harbor;

import io.github.harbordt.config.HarborInstance;
import io.github.harbordt.exchange.ExchangeNames;
import org.apache.camel.Exchange;

/**
 * What a Harbor request needs to know of the work it belongs to (a crawl, an audit read, a webhook's check, a policy
 * pass): the instance it calls, and where it is counted. The work carries it as an exchange property.
 */
public interface HarborCall {

    HarborInstance instance();

    /** Counts one request made to Harbor. */
    void requestMade();

    static HarborCall of(Exchange exchange) {
        return exchange.getProperty(ExchangeNames.CYCLE, HarborCall.class);
    }
}
