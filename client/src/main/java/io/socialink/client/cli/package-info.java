@NullMarked
package io.socialink.client.cli;

import org.jspecify.annotations.NullMarked;
