"""gapsight.services"""
