package io.github.harbordt.harbor;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.harbordt.exchange.ExchangeNames;
import org.apache.camel.Exchange;

import java.util.ArrayList;
import java.util.List;

/**
 * Reads one page of a Harbor list: the items become the body, and the next page's URL (from the {@code Link} header,
 * within the stop rules and the page cap) replaces {@link HarborRequests#URL}, or clears it when the list is done.
 */
public class HarborPages {

    public void read(Exchange exchange) {
        HarborCall cycle = HarborCall.of(exchange);
        JsonNode page = exchange.getMessage().getBody(JsonNode.class);
        String url = exchange.getProperty(ExchangeNames.HARBOR_URL, String.class);
        if (page == null || !page.isArray()) {
            throw new HarborException("Harbor '" + cycle.instance().id() + "' answered GET " + url
                    + " with something other than a JSON list; is harbor.url the Harbor portal address?");
        }
        List<JsonNode> items = new ArrayList<>(page.size());
        page.forEach(items::add);
        int pages = exchange.getProperty(ExchangeNames.PAGES, 0, Integer.class) + 1;
        exchange.setProperty(ExchangeNames.PAGES, pages);
        String next = HarborPaging.nextPage(exchange.getMessage().getHeader("Link", String.class),
                cycle.instance().url(), items.size(), cycle.instance().pageSize()).orElse(null);
        if (next != null && pages >= cycle.instance().maxPages()) {
            throw new HarborException("Harbor '" + cycle.instance().id() + "' still offers a next page after "
                    + pages + " pages of " + url + "; stopping (raise harbor.max-pages if the registry is really that big)");
        }
        exchange.setProperty(ExchangeNames.HARBOR_URL, next);
        exchange.getMessage().setBody(items);
    }
}
