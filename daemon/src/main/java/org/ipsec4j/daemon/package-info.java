/** ipsec4j daemon module. */
package org.ipsec4j.daemon;
