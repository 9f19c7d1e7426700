/* Empty: this target only publishes Include/crm.h to Swift as the CCRM module. */
