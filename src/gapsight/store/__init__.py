"""gapsight.store"""
