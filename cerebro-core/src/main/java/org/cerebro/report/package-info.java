/**
 * How a search shows itself to people: the self-contained HTML report
 * ({@link org.cerebro.report.HtmlReport}), progress on the console or in the log ({@link org.cerebro.report.Progress})
 * and the JSON helpers the result's exports use.
 */
package org.cerebro.report;
