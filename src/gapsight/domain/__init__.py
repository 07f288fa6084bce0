"""gapsight.domain"""
