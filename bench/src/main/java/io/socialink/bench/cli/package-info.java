@NullMarked
package io.socialink.bench.cli;

import org.jspecify.annotations.NullMarked;
