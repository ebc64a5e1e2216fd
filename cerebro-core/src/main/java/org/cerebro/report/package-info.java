/**
 * How a search shows itself to people: the self-contained HTML report
 * ({@link org.cerebro.report.HtmlReport}), the progress line ({@link org.cerebro.report.ConsoleProgress})
 * and the JSON helpers the result's exports use.
 */
package org.cerebro.report;
