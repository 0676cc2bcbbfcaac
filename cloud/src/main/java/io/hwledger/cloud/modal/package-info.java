/**
 * The Modal price source: Modal publishes its per-second GPU prices only on its pricing page, so
 * the source is a dated, cited table shipped as a resource.
 */
@NullMarked
package io.hwledger.cloud.modal;

import org.jspecify.annotations.NullMarked;
