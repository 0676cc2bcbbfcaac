/**
 * The Lambda price source: {@code GET /api/v1/instance-types} of the Lambda Cloud API, one offer
 * per instance type and region with capacity, priced per instance-hour.
 */
@NullMarked
package io.hwledger.cloud.lambda;

import org.jspecify.annotations.NullMarked;
